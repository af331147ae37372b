from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # Security events (log-ins, lock-outs, log-outs) from Django's and django-axes' signals.
        from . import receivers  # noqa: F401

        # Two-factor sign-in: the session's flag at log-in, and the device cache's updates.
        from .twofactor import receivers as two_factor_receivers  # noqa: F401
