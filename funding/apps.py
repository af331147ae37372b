from django.apps import AppConfig
from django.db.models.signals import post_save


def refresh_grants_of_school(sender, instance, raw=False, **kwargs):
    """A school whose number on roll changes has its unpaid grants recomputed (issue 5, item 2),
    however the school was changed: a form, the Django admin or an import. The rule itself is
    `grants_refresh_for_school`; this only makes sure every path reaches it."""
    if raw:
        return
    from .services.grants import grants_refresh_for_school

    grants_refresh_for_school(school=instance)


def refresh_grants_of_schools(sender, schools, **kwargs):
    """The same for the schools an import changed in bulk (schools.signals.rolls_changed)."""
    from .services.grants import grants_refresh_for_schools

    grants_refresh_for_schools(schools=schools)


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = "Funding"

    def ready(self):
        from leadership.services.programme import register_acceptance_check
        from schools.models import School
        from schools.panels import register_school_section
        from schools.signals import rolls_changed

        from .services.budgets import budget_check_acceptance
        from .views.pages import money_school_section

        # Accepting a place commits its grant, within the LEA's budget (issue 5, item 3).
        register_acceptance_check(budget_check_acceptance)
        register_school_section(money_school_section)
        post_save.connect(
            refresh_grants_of_school, sender=School, dispatch_uid="funding_refresh_grants"
        )
        rolls_changed.connect(
            refresh_grants_of_schools, sender=School, dispatch_uid="funding_refresh_grants_bulk"
        )
