from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Data protection"

    def ready(self):
        # Registers the subject-access sections, once, in every process.
        from .subject_access import sections  # noqa: F401
