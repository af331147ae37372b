from django.apps import AppConfig


class LeadershipConfig(AppConfig):
    name = "leadership"
    verbose_name = "Leadership"

    def ready(self):
        from schools.panels import register_school_section

        from . import timeline
        from .views.plans import plan_school_section

        register_school_section(plan_school_section)
        timeline.register()

        from accounts.versioning import on_every_change

        from .models import Action, PlanPriority, SuccessCriterion

        # A plan's check is cached under its contents version: any change to its priorities,
        # criteria or actions gives the plan a new one (services.plans.plan_contents_changed).
        on_every_change(
            (PlanPriority, SuccessCriterion, Action),
            _plan_contents_changed,
            name="leadership.plan_contents_changed",
        )


def _plan_contents_changed(sender, instance, **kwargs):
    from .services.plans import plan_contents_changed

    if hasattr(instance, "plan_id"):
        plan_contents_changed(plan_id=instance.plan_id)
    else:
        plan_contents_changed(priority_id=instance.priority_id)
