"""The REST API's endpoints (issue 7, item 5): read the programme's records, and log visits and
review action plans as the pages do.

The same rules as the pages, by the same means (docs/decisions/002 and 006):
- every queryset comes from the model's `visible_to(request.user)`, so a record out of the
  user's scope is not found (404), never refused;
- a write checks the django-rules permission the page checks (403 when the user may see the
  record but not change it), then makes the one service call the page makes: the services hold
  the business rules, and their `ValidationError`s come back as 400 with the fields they name.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings

from consultants.models import Allocation, Visit, VisitStatus
from consultants.selectors.visits import NOTE_FIELDS
from consultants.services.visits import (
    ActionLine,
    VisitNote,
    visit_plan,
    visit_save_draft,
    visit_submit,
    visit_update_submitted,
)
from leadership.models import ActionPlan, Participation, PlanReview, ProgrammeYear
from leadership.services.plans import plan_review_create, plan_review_update
from reports.selectors.runs import run_list
from schools.models import (
    KeyStage2Progress,
    KeyStageResult,
    LocalAuthority,
    PerformancePage,
    School,
    ValueAdded,
)
from schools.services import record_performance_view, record_performance_views

from . import serializers as s


def api_validation_error(error: DjangoValidationError) -> ValidationError:
    """A service's refusal as a 400: its messages by field, or under "non_field_errors"."""
    if hasattr(error, "error_dict"):
        return ValidationError(
            {
                (api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name): messages
                for name, messages in error.message_dict.items()
            }
        )
    return ValidationError({api_settings.NON_FIELD_ERRORS_KEY: error.messages})


class ScopedViewSet(viewsets.GenericViewSet):
    """Rows come from `scoped(user)`, the model's `visible_to` with what the serializer reads
    joined in (a fixed number of queries a page, whatever its size)."""

    def scoped(self, user):
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            # drf-spectacular asks for the model only, with no user to scope by.
            return self.serializer_class.Meta.model.objects.none()
        return self.scoped(self.request.user)


class ScopedReadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    pass


class LocalAuthorityViewSet(ScopedReadViewSet):
    """LEAs: every one for an admin, the user's own for everyone else."""

    serializer_class = s.LocalAuthoritySerializer

    def scoped(self, user):
        return LocalAuthority.objects.visible_to(user).order_by("name", "pk")


class SchoolViewSet(ScopedReadViewSet):
    """Schools, by URN, with their KS1 and KS2 results, value added and progress scores."""

    serializer_class = s.SchoolSerializer
    lookup_field = "urn"
    lookup_value_regex = r"\d+"

    def scoped(self, user):
        return (
            School.objects.visible_to(user)
            .prefetch_related(
                Prefetch("results", queryset=KeyStageResult.objects.order_by("key_stage", "year")),
                Prefetch("value_added", queryset=ValueAdded.objects.order_by("year")),
                Prefetch("ks2_progress", queryset=KeyStage2Progress.objects.order_by("year")),
            )
            .order_by("name", "pk")
        )

    def retrieve(self, request, *args, **kwargs):
        # The school's results are confidential performance data: each reading is logged.
        school = self.get_object()
        record_performance_view(request.user, school=school, page=PerformancePage.API_SCHOOL)
        return Response(self.get_serializer(school).data)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        schools = page if page is not None else queryset
        # One log row per LEA of the page's schools, from the rows already read.
        record_performance_views(
            self.request.user,
            local_authority_ids=[school.local_authority_id for school in schools],
            page=PerformancePage.API_SCHOOL_LIST,
        )
        return page


class ProgrammeYearViewSet(ScopedReadViewSet):
    serializer_class = s.ProgrammeYearSerializer

    def scoped(self, user):
        return ProgrammeYear.objects.visible_to(user).order_by("-starts_on", "pk")


class ParticipationViewSet(ScopedReadViewSet):
    serializer_class = s.ParticipationSerializer

    def scoped(self, user):
        return (
            Participation.objects.visible_to(user)
            .select_related("school")
            .order_by("programme_year_id", "school__name", "pk")
        )


class AllocationViewSet(ScopedReadViewSet):
    """PSCLs' allocations: a PSCL sees their own only."""

    serializer_class = s.AllocationSerializer

    def scoped(self, user):
        return (
            Allocation.objects.visible_to(user)
            .with_days()
            .select_related("adviser", "participation__school")
            .order_by("participation__school__name", "-confirmed_at", "pk")
        )


class ReportRunViewSet(ScopedReadViewSet):
    """Report runs the user may open, as on the reports page: their metadata and the addresses
    of the report's page and PDF, never the report's body."""

    serializer_class = s.ReportRunSerializer

    def scoped(self, user):
        return run_list(user=user)


def _action_lines(data) -> list[ActionLine]:
    return [
        ActionLine(
            who=line.get("who", ""),
            what=line.get("what", ""),
            due_on=line.get("due_on"),
            pk=line.get("id"),
            remove=line.get("remove", False),
        )
        for line in data.get("agreed_actions", ())
    ]


def _note(data, visit: Visit | None = None) -> VisitNote:
    """The note the request gives; fields it leaves out keep the visit's values (PATCH)."""
    values = {}
    for name in NOTE_FIELDS:
        if name in data:
            values[name] = data[name]
        elif visit is not None:
            values[name] = getattr(visit, name)
    for name in ("length", "kind", "attendees", "notes", "challenge_detail"):
        values[name] = values.get(name) or ""
    values["focus"] = tuple(values.get("focus") or ())
    return VisitNote(**values)


@extend_schema_view(
    create=extend_schema(
        request=s.VisitCreateSerializer,
        responses={201: s.VisitSerializer},
        description=(
            "Plan, save as a draft or submit a visit on one of the PSCL's current allocations "
            '(`action`: "plan", "draft" or "submit").'
        ),
    ),
    update=extend_schema(
        request=s.VisitNoteWriteSerializer,
        responses={200: s.VisitSerializer},
        description=(
            "Log a planned visit or change a draft (`action`: draft or submit), or change a "
            "submitted visit (every change is kept in its history). Fields left out keep their "
            "values; `agreed_actions` lists only the actions to add, change or remove."
        ),
    ),
    partial_update=extend_schema(
        request=s.VisitNoteWriteSerializer,
        responses={200: s.VisitSerializer},
        description="As PUT, with every field optional.",
    ),
)
class VisitViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """Visits whose notes the user may read (`Visit.objects.visible_to`: the PSCL their own,
    drafts included; the school's link adviser, the LEA's strategy managers and admins the
    planned and submitted ones). A PSCL plans, logs and changes their own visits through the
    services the visit pages call."""

    serializer_class = s.VisitSerializer

    def scoped(self, user):
        return (
            Visit.objects.visible_to(user)
            .select_related("allocation__participation__school")
            .prefetch_related("agreed_actions")
            .order_by("-visit_on", "-pk")
        )

    def _answer(self, visit: Visit, status_code=status.HTTP_200_OK) -> Response:
        visit = self.scoped(self.request.user).get(pk=visit.pk)
        return Response(self.get_serializer(visit).data, status=status_code)

    def create(self, request, *args, **kwargs):
        body = s.VisitCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        user = request.user
        allocation = get_object_or_404(
            Allocation.objects.visible_to(user).select_related(
                "adviser", "participation__programme_year", "participation__school"
            ),
            pk=data["allocation"],
        )
        if not user.has_perm("consultants.log_visit", allocation):
            raise PermissionDenied("Only the school's PSCL logs its visits.")
        try:
            if data["action"] == s.VisitAction.PLAN:
                visit = visit_plan(
                    allocation=allocation,
                    visit_on=data["visit_on"],
                    purpose=data.get("purpose", ""),
                    by=user,
                )
            else:
                service = (
                    visit_submit if data["action"] == s.VisitAction.SUBMIT else visit_save_draft
                )
                visit = service(
                    note=_note(data), actions=_action_lines(data), by=user, allocation=allocation
                )
        except DjangoValidationError as error:
            raise api_validation_error(error) from error
        return self._answer(visit, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        user = request.user
        visit = self.get_object()
        # As the pages: logging a planned visit is for its PSCL while the allocation is current;
        # changing a draft or a submitted visit, for its PSCL.
        permission = (
            "consultants.log_visit"
            if visit.status == VisitStatus.PLANNED
            else "consultants.edit_visit"
        )
        if not user.has_perm(permission, visit):
            raise PermissionDenied("Only the PSCL who made the visit changes it.")
        body = s.VisitNoteWriteSerializer(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        action = data.get("action", s.VisitAction.DRAFT)
        note, actions = _note(data, visit), _action_lines(data)
        try:
            if visit.is_submitted:
                visit = visit_update_submitted(visit=visit, note=note, actions=actions, by=user)
            elif action == s.VisitAction.PLAN:
                raise DjangoValidationError(
                    {"action": "A visit already made is saved as a draft or submitted."}
                )
            else:
                service = visit_submit if action == s.VisitAction.SUBMIT else visit_save_draft
                visit = service(note=note, actions=actions, by=user, visit=visit)
        except DjangoValidationError as error:
            raise api_validation_error(error) from error
        return self._answer(visit)


@extend_schema_view(
    create=extend_schema(
        request=s.PlanReviewCreateSerializer,
        responses={201: s.PlanReviewSerializer},
        description="Record a review of an action plan, as its editors may on the plan page.",
    ),
    update=extend_schema(
        request=s.PlanReviewWriteSerializer, responses={200: s.PlanReviewSerializer}
    ),
    partial_update=extend_schema(
        request=s.PlanReviewWriteSerializer, responses={200: s.PlanReviewSerializer}
    ),
)
class PlanReviewViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """Reviews of the action plans the user may see (`ActionPlan.objects.visible_to`). The
    plan's editors (`leadership.edit_plan`: the strategy manager, the headteacher, the school's
    PSCL) add and correct them through the plan services."""

    serializer_class = s.PlanReviewSerializer

    def scoped(self, user):
        return (
            PlanReview.objects.filter(plan__in=ActionPlan.objects.visible_to(user))
            .select_related("plan")
            .order_by("-reviewed_on", "-pk")
        )

    def _check_may_edit(self, plan: ActionPlan) -> None:
        if not self.request.user.has_perm("leadership.edit_plan", plan.participation):
            raise PermissionDenied("Only the plan's editors review it.")

    def create(self, request, *args, **kwargs):
        body = s.PlanReviewCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        plan = get_object_or_404(
            ActionPlan.objects.visible_to(request.user).select_related("participation__school"),
            pk=data.pop("plan"),
        )
        self._check_may_edit(plan)
        try:
            review = plan_review_create(plan=plan, reviewed_by=request.user, **data)
        except DjangoValidationError as error:
            raise api_validation_error(error) from error
        return Response(self.get_serializer(review).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        review = self.get_object()
        plan = ActionPlan.objects.select_related("participation__school").get(pk=review.plan_id)
        self._check_may_edit(plan)
        body = s.PlanReviewWriteSerializer(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        values = {
            name: body.validated_data.get(name, getattr(review, name))
            for name in ("reviewed_on", "progress", "notes")
        }
        try:
            review = plan_review_update(review=review, **values)
        except DjangoValidationError as error:
            raise api_validation_error(error) from error
        return Response(self.get_serializer(review).data)
