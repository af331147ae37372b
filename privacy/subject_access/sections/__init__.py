"""The sections of the subject-access export, one module per app area. Importing this package
registers them all (`PrivacyConfig.ready`)."""

from . import accounts, consultants, funding, history, leadership, privacy, reports, schools

__all__ = [
    "accounts",
    "consultants",
    "funding",
    "history",
    "leadership",
    "privacy",
    "reports",
    "schools",
]
