"""URLs of the funding app: the budget, payments, the funding statement and the finance
exports (issue 5, items 3 and 4)."""

from django.urls import path

from ..views import payments as views

YEAR = "programme-years/<int:year_pk>/"

urlpatterns = [
    path(f"{YEAR}budget/", views.BudgetView.as_view(), name="budget"),
    path(f"{YEAR}budget/edit/", views.BudgetEditView.as_view(), name="budget_edit"),
    path(f"{YEAR}payments/", views.PaymentListView.as_view(), name="payment_list"),
    path(
        f"{YEAR}payments.csv",
        views.PaymentListExportView.as_view(file_format="csv"),
        name="payment_list_csv",
    ),
    path(
        f"{YEAR}payments.xlsx",
        views.PaymentListExportView.as_view(file_format="xlsx"),
        name="payment_list_xlsx",
    ),
    path(f"{YEAR}payments/pscl/", views.PsclPaymentsView.as_view(), name="pscl_payments"),
    path(
        "participations/<int:pk>/payments/schedule/",
        views.PaymentsScheduleView.as_view(),
        name="payments_schedule",
    ),
    path("payments/<int:pk>/paid/", views.PaymentPaidView.as_view(), name="payment_paid"),
    path("payments/<int:pk>/cancel/", views.PaymentCancelView.as_view(), name="payment_cancel"),
    path(f"{YEAR}statement/", views.StatementView.as_view(), name="statement"),
    path(
        f"{YEAR}statement.csv",
        views.StatementExportView.as_view(file_format="csv"),
        name="statement_csv",
    ),
    path(
        f"{YEAR}statement.xlsx",
        views.StatementExportView.as_view(file_format="xlsx"),
        name="statement_xlsx",
    ),
]
