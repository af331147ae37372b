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
        # Registries of the lower apps (docs/decisions/005 and 006): the PSCL's scope, the
        # school page's PSCL section, and the visits on the school's timeline.
        from accounts.scoping import register_consultant_schools
        from schools.panels import register_school_section

        from . import timeline
        from .views.allocations import allocation_school_section

        register_consultant_schools(allocated_school_ids)
        register_school_section(allocation_school_section)
        timeline.register()
