from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class SchoolsConfig(AppConfig):
    name = "schools"
    verbose_name = "Schools"

    def ready(self):
        from .models import Inspection, KeyStage2Target, KeyStageResult, ValueAdded

        # A school's background is cached under its records version: any change to the records
        # it is made of gives the school a new one (schools.services.school_records_changed).
        for model in (KeyStageResult, ValueAdded, KeyStage2Target, Inspection):
            for signal in (post_save, post_delete):
                signal.connect(
                    _records_changed,
                    sender=model,
                    dispatch_uid=f"schools.records_changed.{model.__name__}",
                )


def _records_changed(sender, instance, **kwargs):
    from .services import school_records_changed

    school_records_changed(school_ids=[instance.school_id])
