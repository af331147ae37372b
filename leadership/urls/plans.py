"""URLs of the programme year: action plans, their parts, and the LEA's list of plans."""

from django.urls import path

from leadership.views import plans as views

PLAN = "participations/<int:pk>/plan/"

urlpatterns = [
    path(PLAN, views.PlanView.as_view(), name="plan"),
    path(f"{PLAN}summary/", views.PlanSummaryView.as_view(), name="plan_summary"),
    path(f"{PLAN}priorities/add/", views.PriorityAddView.as_view(), name="plan_priority_add"),
    path(
        f"{PLAN}priorities/<int:item>/",
        views.PriorityChangeView.as_view(),
        name="plan_priority_change",
    ),
    path(
        f"{PLAN}priorities/<int:item>/remove/",
        views.PriorityRemoveView.as_view(),
        name="plan_priority_remove",
    ),
    path(
        f"{PLAN}priorities/<int:item>/criteria/add/",
        views.CriterionAddView.as_view(),
        name="plan_criterion_add",
    ),
    path(
        f"{PLAN}criteria/<int:item>/",
        views.CriterionChangeView.as_view(),
        name="plan_criterion_change",
    ),
    path(
        f"{PLAN}criteria/<int:item>/remove/",
        views.CriterionRemoveView.as_view(),
        name="plan_criterion_remove",
    ),
    path(
        f"{PLAN}priorities/<int:item>/actions/add/",
        views.ActionAddView.as_view(),
        name="plan_action_add",
    ),
    path(f"{PLAN}actions/<int:item>/", views.ActionChangeView.as_view(), name="plan_action_change"),
    path(
        f"{PLAN}actions/<int:item>/done/", views.ActionDoneView.as_view(), name="plan_action_done"
    ),
    path(
        f"{PLAN}actions/<int:item>/remove/",
        views.ActionRemoveView.as_view(),
        name="plan_action_remove",
    ),
    path(f"{PLAN}reviews/add/", views.ReviewAddView.as_view(), name="plan_review_add"),
    path(f"{PLAN}reviews/<int:item>/", views.ReviewChangeView.as_view(), name="plan_review_change"),
    path(
        "programme-years/<int:pk>/plans/", views.ProgrammeYearPlansView.as_view(), name="year_plans"
    ),
]
