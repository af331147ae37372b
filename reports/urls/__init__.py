"""The reports app's URLs, under /reports/ (namespace "reports"), one module per area:

runs           reports:run_list, run_detail, run_status, run_pdf, request_governor,
               request_caseload, request_statement, batch_list, batch_start, batch_detail,
               batch_progress
evaluation     reports:evaluation_draft, evaluation_thresholds
dashboard      reports:dashboard, warning_detail
notifications  reports:notification_list, notification_preferences
"""

from . import dashboard, evaluation, notifications, runs

app_name = "reports"

urlpatterns = [
    *runs.urlpatterns,
    *evaluation.urlpatterns,
    *dashboard.urlpatterns,
    *notifications.urlpatterns,
]
