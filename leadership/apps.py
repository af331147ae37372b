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
