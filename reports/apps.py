from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self):
        from consultants.services.visits import register_on_visit_submitted
        from schools.panels import register_school_section

        from . import timeline
        from .panels import reports_school_section
        from .services.notifications import on_visit_submitted

        # The headteacher is told of a submitted visit's agreed actions (issue 6, item 6).
        register_on_visit_submitted(on_visit_submitted)
        # Issued governor reports on the school's timeline and its page.
        timeline.register()
        register_school_section(reports_school_section)
