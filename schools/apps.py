from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "schools"
    verbose_name = "Schools"

    def ready(self):
        from accounts.versioning import on_every_change

        from .models import Inspection, KeyStage2Target, KeyStageResult, ValueAdded

        # A school's background is cached under its records version: any change to the records
        # it is made of gives the school a new one (schools.services.school_records_changed).
        on_every_change(
            (KeyStageResult, ValueAdded, KeyStage2Target, Inspection),
            _records_changed,
            name="schools.records_changed",
        )


def _records_changed(sender, instance, **kwargs):
    from .services import school_records_changed

    school_records_changed(school_ids=[instance.school_id])
