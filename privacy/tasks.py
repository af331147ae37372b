"""The retention job as a Celery task, scheduled daily by django-celery-beat (migration 0002,
"Apply the data retention rules"), where an admin can change the time."""

from celery import shared_task

from .services.retention import apply_retention


@shared_task(name="privacy.apply_retention", acks_late=True)
def apply_retention_task() -> dict:
    """Anonymise or delete what has passed its retention period. Safe to run twice: the second
    run finds nothing left to change."""
    return apply_retention()
