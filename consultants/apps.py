from django.apps import AppConfig


def allocated_school_ids(user):
    """The schools allocated now to the PSCL `user`: a subquery for `accounts.scoping`."""
    from .models import Allocation

    return (
        Allocation.objects.current()
        .filter(adviser__user=user, adviser__is_active=True)
        .values("participation__school_id")
    )


class ConsultantsConfig(AppConfig):
    name = "consultants"
    verbose_name = "Consultant leaders"

    def ready(self):
        from accounts.scoping import register_consultant_schools

        register_consultant_schools(allocated_school_ids)
