"""URLs of the funding app: the pages that put the money together (issue 5, items 6 and 7): the
manager's landing and the year at a glance, value for money, the school's money and a PSCL's
payments."""

from django.urls import path

from ..views import pages as views

urlpatterns = [
    path("", views.FundingHomeView.as_view(), name="funding_home"),
    path("programme-years/<int:year_pk>/", views.YearFundingView.as_view(), name="year_funding"),
    path(
        "programme-years/<int:year_pk>/value-for-money/",
        views.ValueForMoneyView.as_view(),
        name="value_for_money",
    ),
    path("schools/<int:urn>/money/", views.SchoolMoneyView.as_view(), name="school_money"),
    path("my-payments/", views.MyPaymentsView.as_view(), name="my_payments"),
]
