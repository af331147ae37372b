"""The Django admin of accounts, schools, the programme year, consultant leaders and funding: every
model registered, every page
working for an administrator across both LEAs, every page refused to everyone else, user forms
that turn the model's constraints into form errors, the admin writes that refresh a school's
figures, and a participation's status and transitions shown but left to the workflow."""

import datetime
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from simple_history.models import HistoricalChanges

from accounts.admin_archive import NoDeleteAdminMixin
from accounts.factories import UserFactory
from accounts.forms_admin import STAFF_IS_FOR_ADMINS
from accounts.models import Role, User
from consultants.factories import (
    AdviserFactory,
    AgreedActionFactory,
    AllocationFactory,
    ApplicationFactory,
    AttachmentFactory,
    CapacityFactory,
    ConflictDeclarationFactory,
    ConsultantTrainingFactory,
    DeclaredConflictFactory,
    LinkAdviserFactory,
    PreVisitNoteFactory,
    SupportEvaluationFactory,
    VisitFactory,
)
from consultants.models import (
    Adviser,
    AdviserKind,
    AgreedAction,
    Allocation,
    AllocationEvent,
    AllocationEventKind,
    AllocationStatus,
    Application,
    ApplicationStatus,
    ApplicationStep,
    Attachment,
    Capacity,
    ConflictDeclaration,
    ConflictKind,
    ConsultantTraining,
    DeclaredConflict,
    PreVisitNote,
    SupportEvaluation,
    Term,
    TrainingDay,
    Visit,
    VisitKind,
    VisitStatus,
)
from funding.factories import (
    BudgetFactory,
    CoverClaimFactory,
    ExpenditureReturnFactory,
    FundingRatesFactory,
    OtherSpendingFactory,
    PaymentFactory,
    ReturnEvidenceFactory,
)
from funding.models import (
    Budget,
    BudgetOverride,
    CoverClaim,
    ExpenditureReturn,
    FundingRates,
    Grant,
    OtherSpending,
    Payment,
    PaymentKind,
    PaymentStatus,
    ReturnEvidence,
    ReturnStatus,
    SpendingCategory,
)
from funding.services.grants import grant_compute
from leadership.factories import (
    ActionFactory,
    ActionPlanFactory,
    ConcernFactory,
    LeadershipTeamMemberFactory,
    NoteFactory,
    ParticipationFactory,
    PlanPriorityFactory,
    PlanReviewFactory,
    ProgrammeYearFactory,
    SchoolActivityFactory,
    SchoolVisitFactory,
    SelectionFlagFactory,
    SuccessCriterionFactory,
    TrainingAttendanceFactory,
    TrainingEventFactory,
)
from leadership.models import (
    Action,
    ActionPlan,
    ActionStatus,
    Concern,
    ConcernEscalation,
    ConcernLevel,
    GoodPractice,
    LeadershipTeamMember,
    MemberRole,
    Note,
    Participation,
    ParticipationStatus,
    ParticipationTransition,
    PlanPriority,
    PlanReview,
    PriorityArea,
    ProgrammeYear,
    ReviewProgress,
    SchoolActivity,
    SchoolVisit,
    SelectionFlag,
    SuccessCriterion,
    TrainingAttendance,
    TrainingEvent,
    Watch,
)
from schools.factories import (
    InspectionFactory,
    KeyStage2TargetFactory,
    KeyStageResultFactory,
    SchoolFactory,
    ValueAddedFactory,
)
from schools.models import (
    ImportKind,
    ImportRecord,
    Inspection,
    InspectionType,
    KeyStage,
    KeyStage2Progress,
    KeyStage2Target,
    KeyStageResult,
    LocalAuthority,
    PerformanceDataView,
    PerformancePage,
    Phase,
    School,
    SchoolLink,
    Subject,
    ValueAdded,
)
from schools.tasks import refresh_school_figures

pytestmark = pytest.mark.django_db

ADMIN_APPS = ("accounts", "schools", "leadership", "consultants", "funding")
#: Models whose admin shows rows but neither adds, changes nor deletes them.
READ_ONLY_MODELS = {
    ImportRecord,
    PerformanceDataView,
    ParticipationTransition,
    ApplicationStep,
    AllocationEvent,
    Grant,
    BudgetOverride,
}
PASSWORD = "Tr0ub4dor&3-plp-admin"
PLACE_MISMATCH = next(
    c.violation_error_message for c in User._meta.constraints if c.name == "user_place_matches_role"
)
SUPERUSER_NOT_ADMIN = next(
    c.violation_error_message for c in User._meta.constraints if c.name == "user_superuser_is_admin"
)
ADMIN_WITHOUT_STAFF = "ADMIN_WITHOUT_STAFF"


def project_models():
    """The models of the apps with an admin, without simple_history's historical tables (their
    rows are shown by the history page of the model they record)."""
    return [
        model
        for label in ADMIN_APPS
        for model in apps.get_app_config(label).get_models()
        if not issubclass(model, HistoricalChanges)
    ]


def model_id(model):
    return model._meta.label


def programme_records(school, host_school, manager):
    """A row of every leadership model in `school`'s LEA, written by its `manager`."""
    year = ProgrammeYearFactory(local_authority=school.local_authority)
    participation = ParticipationFactory(programme_year=year, school=school)
    head = LeadershipTeamMemberFactory(
        participation=participation, role=MemberRole.HEADTEACHER, full_name="Ruth Baker"
    )
    event = TrainingEventFactory(programme_year=year)
    plan = ActionPlanFactory(participation=participation)
    priority = PlanPriorityFactory(plan=plan, area=PriorityArea.ENGLISH)
    concern = ConcernFactory(school=school, raised_by=manager)
    return {
        ProgrammeYear: year,
        Participation: participation,
        ParticipationTransition: ParticipationTransition.objects.create(
            participation=participation,
            to_status=ParticipationStatus.IDENTIFIED,
            changed_by=manager,
            changed_at=datetime.datetime(2004, 5, 14, 10, tzinfo=datetime.UTC),
        ),
        SelectionFlag: SelectionFlagFactory(programme_year=year, school=school, flagged_by=manager),
        LeadershipTeamMember: head,
        SchoolActivity: SchoolActivityFactory(member=head),
        TrainingEvent: event,
        TrainingAttendance: TrainingAttendanceFactory(event=event, member=head),
        SchoolVisit: SchoolVisitFactory(
            participation=participation, host_school=host_school, members=[head]
        ),
        ActionPlan: plan,
        PlanPriority: priority,
        SuccessCriterion: SuccessCriterionFactory(priority=priority),
        Action: ActionFactory(priority=priority, owner=head),
        PlanReview: PlanReviewFactory(plan=plan, reviewed_by=manager),
        Note: NoteFactory(school=school, author=manager),
        Concern: concern,
        ConcernEscalation: ConcernEscalation.objects.create(
            concern=concern,
            to_level=ConcernLevel.LINK_ADVISER,
            note="Passed to the link adviser.",
            escalated_by=manager,
        ),
        GoodPractice: GoodPractice.objects.create(
            participation=participation,
            title="Tracking progress in writing",
            case_study="Half-termly writing checks for every pupil.",
            written_by=manager,
        ),
        Watch: Watch.objects.create(user=manager, school=school),
    }


def consultant_records(programme, manager, *, pscl_name):
    """A row of every consultants model for the school of `programme` (its leadership records),
    written by its LEA's `manager`."""
    participation = programme[Participation]
    year = programme[ProgrammeYear]
    school = participation.school
    lea = school.local_authority
    adviser = AdviserFactory(local_authority=lea, full_name=pscl_name)
    declaration = ConflictDeclarationFactory(adviser=adviser, programme_year=year)
    application = ApplicationFactory(
        programme_year=year,
        full_name=pscl_name,
        home_school=adviser.home_school,
        status=ApplicationStatus.SCREENED,
        adviser=adviser,
    )
    allocation = AllocationFactory(adviser=adviser, participation=participation)
    visit = VisitFactory(allocation=allocation, kind=VisitKind.REVIEW)
    planned = VisitFactory(allocation=allocation, planned=True)
    return {
        Adviser: adviser,
        Capacity: CapacityFactory(adviser=adviser, programme_year=year),
        ConsultantTraining: ConsultantTrainingFactory(
            adviser=adviser, programme_year=year, day=TrainingDay.FOURTH
        ),
        Attachment: AttachmentFactory(
            adviser=LinkAdviserFactory(local_authority=lea), school=school
        ),
        Application: application,
        ApplicationStep: ApplicationStep.objects.create(
            application=application,
            from_status=ApplicationStatus.RECEIVED,
            to_status=ApplicationStatus.SCREENED,
            changed_by=manager,
            changed_at=datetime.datetime(2004, 5, 20, 10, tzinfo=datetime.UTC),
        ),
        ConflictDeclaration: declaration,
        DeclaredConflict: DeclaredConflictFactory(
            declaration=declaration, school=participation.school, kind=ConflictKind.FAMILY
        ),
        Allocation: allocation,
        AllocationEvent: AllocationEvent.objects.create(
            allocation=allocation,
            kind=AllocationEventKind.CONFIRMED,
            by=manager,
            at=datetime.datetime(2004, 7, 20, 10, tzinfo=datetime.UTC),
        ),
        Visit: visit,
        AgreedAction: AgreedActionFactory(visit=visit),
        PreVisitNote: PreVisitNoteFactory(visit=planned),
        SupportEvaluation: SupportEvaluationFactory(allocation=allocation, term=Term.SPRING),
    }


def funding_records(programme, consultants, manager):
    """A row of every funding model for the school of `programme` (its leadership records),
    whose PSCL allocation is in `consultants`, written by its LEA's `manager`."""
    participation = programme[Participation]
    year = programme[ProgrammeYear]
    rates = FundingRatesFactory(programme_year=year)
    budget = BudgetFactory(programme_year=year)
    grant_compute(participation=participation)
    grant = Grant.objects.get(participation=participation)
    expenditure_return = ExpenditureReturnFactory(
        participation=participation, status=ReturnStatus.SUBMITTED
    )
    return {
        FundingRates: rates,
        Grant: grant,
        Budget: budget,
        BudgetOverride: BudgetOverride.objects.create(
            programme_year=year,
            participation=participation,
            committed_before=Decimal("99000.00"),
            grant_total=grant.total,
            budget=budget.allocation_received,
            reason="The last school of the cluster; the reserve covers it.",
            by=manager,
            at=datetime.datetime(2004, 7, 1, 10, tzinfo=datetime.UTC),
        ),
        Payment: PaymentFactory(
            participation=participation, status=PaymentStatus.PAID, created_by=manager
        ),
        ExpenditureReturn: expenditure_return,
        CoverClaim: CoverClaimFactory(
            expenditure_return=expenditure_return, member=programme[LeadershipTeamMember]
        ),
        OtherSpending: OtherSpendingFactory(
            expenditure_return=expenditure_return, category=SpendingCategory.MATERIALS
        ),
        ReturnEvidence: ReturnEvidenceFactory(expenditure_return=expenditure_return),
    }


@pytest.fixture
def records(
    lea, other_lea, school, sibling_school, foreign_school, users, foreign_users, settings, tmp_path
):
    """For every model with an admin, a row of `lea` and a row of `other_lea` (evidence files
    in a MEDIA_ROOT of the test's own)."""
    settings.MEDIA_ROOT = tmp_path
    own = programme_records(school, sibling_school, users[Role.MANAGER])
    own.update(consultant_records(own, users[Role.MANAGER], pscl_name="Ruth Ellison"))
    own.update(funding_records(own, own, users[Role.MANAGER]))
    foreign = programme_records(
        foreign_school,
        SchoolFactory(local_authority=other_lea, name="Southvale Infant School"),
        foreign_users[Role.MANAGER],
    )
    foreign.update(
        consultant_records(foreign, foreign_users[Role.MANAGER], pscl_name="Margaret Doyle")
    )
    foreign.update(funding_records(foreign, foreign, foreign_users[Role.MANAGER]))
    return {
        **{model: (own[model], foreign[model]) for model in own},
        User: (users[Role.MANAGER], foreign_users[Role.MANAGER]),
        LocalAuthority: (lea, other_lea),
        School: (school, foreign_school),
        KeyStageResult: (
            KeyStageResultFactory(school=school),
            KeyStageResultFactory(school=foreign_school),
        ),
        ValueAdded: (ValueAddedFactory(school=school), ValueAddedFactory(school=foreign_school)),
        Inspection: (InspectionFactory(school=school), InspectionFactory(school=foreign_school)),
        KeyStage2Target: (
            KeyStage2TargetFactory(school=school),
            KeyStage2TargetFactory(school=foreign_school),
        ),
        KeyStage2Progress: (
            KeyStage2Progress.objects.create(
                school=school, year=2019, reading_progress=Decimal("-1.20")
            ),
            KeyStage2Progress.objects.create(
                school=foreign_school, year=2019, reading_progress=Decimal("0.40")
            ),
        ),
        SchoolLink: (
            SchoolLink.objects.create(
                urn=school.urn,
                linked_urn=900001,
                linked_name="Old Millfield",
                link_type="Predecessor",
            ),
            SchoolLink.objects.create(
                urn=foreign_school.urn,
                linked_urn=900002,
                linked_name="Old Southvale",
                link_type="Predecessor",
            ),
        ),
        ImportRecord: (
            ImportRecord.objects.create(
                kind=ImportKind.KS2, file_name="northmoor-ks2.csv", local_authority=lea
            ),
            ImportRecord.objects.create(
                kind=ImportKind.KS2, file_name="southvale-ks2.csv", local_authority=other_lea
            ),
        ),
        PerformanceDataView: (
            PerformanceDataView.objects.create(
                user=users[Role.MANAGER],
                page=PerformancePage.SCHOOL_DETAIL,
                school=school,
                local_authority=lea,
            ),
            PerformanceDataView.objects.create(
                user=foreign_users[Role.MANAGER],
                page=PerformancePage.SCHOOL_DETAIL,
                school=foreign_school,
                local_authority=other_lea,
            ),
        ),
    }


@pytest.fixture
def narrowing_queries(records, lea, school):
    """For every model, a search and filters on its changelist that keep only the row of `lea`."""
    return {
        User: {
            "q": records[User][0].email,
            "role__exact": Role.MANAGER,
            "local_authority__id__exact": lea.pk,
        },
        LocalAuthority: {"q": lea.code},
        School: {
            "q": str(school.urn),
            "local_authority__id__exact": lea.pk,
            "phase__exact": Phase.PRIMARY,
        },
        KeyStageResult: {
            "q": "Millfield",
            "school__local_authority__id__exact": lea.pk,
            "key_stage__exact": KeyStage.KS2,
        },
        ValueAdded: {
            "q": str(school.urn),
            "school__local_authority__id__exact": lea.pk,
            "year": records[ValueAdded][0].year,
        },
        Inspection: {
            "q": "Millfield",
            "school__local_authority__id__exact": lea.pk,
            "inspection_type__exact": InspectionType.SECTION_10,
        },
        KeyStage2Target: {
            "q": "Millfield",
            "school__local_authority__id__exact": lea.pk,
            "subject__exact": Subject.ENGLISH,
        },
        KeyStage2Progress: {
            "q": "Millfield",
            "school__local_authority__id__exact": lea.pk,
            "year": 2019,
        },
        SchoolLink: {"q": str(school.urn), "link_type": "Predecessor"},
        ImportRecord: {"q": "northmoor", "kind__exact": ImportKind.KS2},
        PerformanceDataView: {
            "q": str(school.urn),
            "local_authority__id__exact": lea.pk,
            "page__exact": PerformancePage.SCHOOL_DETAIL,
        },
        **programme_narrowing_queries(lea),
        **consultant_narrowing_queries(lea),
        **funding_narrowing_queries(lea),
    }


def funding_narrowing_queries(lea):
    """For every funding model, a search and filters that keep only the row of `lea`."""
    in_lea = "programme_year__local_authority__id__exact"
    by_year = {"q": "Northmoor", in_lea: lea.pk, "programme_year__name": "2004-05"}
    by_participation = {"q": "Millfield", f"participation__{in_lea}": lea.pk}
    by_return = {"q": "Millfield", f"expenditure_return__participation__{in_lea}": lea.pk}
    return {
        FundingRates: by_year,
        Grant: by_participation,
        Budget: by_year,
        BudgetOverride: {"q": "Millfield", in_lea: lea.pk},
        Payment: {
            **by_participation,
            "kind__exact": PaymentKind.SCHOOL_GRANT,
            "status__exact": PaymentStatus.PAID,
        },
        ExpenditureReturn: {**by_participation, "status__exact": ReturnStatus.SUBMITTED},
        CoverClaim: by_return,
        OtherSpending: {**by_return, "category__exact": SpendingCategory.MATERIALS},
        ReturnEvidence: by_return,
    }


def programme_narrowing_queries(lea):
    """For every leadership model, a search and filters that keep only the row of `lea`."""
    in_lea = "programme_year__local_authority__id__exact"
    by_participation = {"q": "Millfield", f"participation__{in_lea}": lea.pk}
    by_plan = {"q": "Millfield", f"plan__participation__{in_lea}": lea.pk}
    by_priority = {
        "q": "Millfield",
        f"priority__plan__participation__{in_lea}": lea.pk,
        "priority__area__exact": PriorityArea.ENGLISH,
    }
    by_school = {"q": "Millfield", "school__local_authority__id__exact": lea.pk}
    return {
        ProgrammeYear: {"q": "Northmoor", "local_authority__id__exact": lea.pk, "name": "2004-05"},
        Participation: {
            "q": "Millfield",
            in_lea: lea.pk,
            "status__exact": ParticipationStatus.ACTIVE,
        },
        ParticipationTransition: {
            **by_participation,
            "to_status__exact": ParticipationStatus.IDENTIFIED,
        },
        SelectionFlag: {"q": "Millfield", in_lea: lea.pk},
        LeadershipTeamMember: {**by_participation, "role__exact": MemberRole.HEADTEACHER},
        SchoolActivity: {"q": "Millfield", f"member__participation__{in_lea}": lea.pk},
        TrainingEvent: {"q": "Northmoor", in_lea: lea.pk, "session__exact": 1},
        TrainingAttendance: {"q": "Millfield", f"event__{in_lea}": lea.pk, "is_present__exact": 1},
        SchoolVisit: {**by_participation, "is_outside_locality__exact": 0},
        ActionPlan: by_participation,
        PlanPriority: {**by_plan, "area__exact": PriorityArea.ENGLISH},
        SuccessCriterion: by_priority,
        Action: {**by_priority, "status__exact": ActionStatus.NOT_STARTED},
        PlanReview: {**by_plan, "progress__exact": ReviewProgress.AMBER},
        Note: by_school,
        Concern: {**by_school, "level__exact": ConcernLevel.RAISED},
        ConcernEscalation: {
            "q": "Millfield",
            "concern__school__local_authority__id__exact": lea.pk,
            "to_level__exact": ConcernLevel.LINK_ADVISER,
        },
        GoodPractice: by_participation,
        Watch: by_school,
    }


def consultant_narrowing_queries(lea):
    """For every consultants model, a search and filters that keep only the row of `lea`."""
    in_lea = "programme_year__local_authority__id__exact"
    by_adviser = {"q": "Ruth Ellison", "adviser__local_authority__id__exact": lea.pk}
    by_allocation = {"q": "Millfield", f"allocation__participation__{in_lea}": lea.pk}
    by_visit = {"q": "Millfield", f"visit__allocation__participation__{in_lea}": lea.pk}
    return {
        Adviser: {
            "q": "Ruth Ellison",
            "local_authority__id__exact": lea.pk,
            "kind__exact": AdviserKind.PSCL,
        },
        Capacity: by_adviser,
        ConsultantTraining: {**by_adviser, "day__exact": TrainingDay.FOURTH},
        Attachment: {
            "q": "Millfield",
            "school__local_authority__id__exact": lea.pk,
            "adviser__kind__exact": AdviserKind.LINK_ADVISER,
        },
        Application: {
            "q": "Ruth Ellison",
            in_lea: lea.pk,
            "status__exact": ApplicationStatus.SCREENED,
        },
        ApplicationStep: {
            "q": "Ruth Ellison",
            f"application__{in_lea}": lea.pk,
            "to_status__exact": ApplicationStatus.SCREENED,
        },
        ConflictDeclaration: by_adviser,
        DeclaredConflict: {
            "q": "Millfield",
            "school__local_authority__id__exact": lea.pk,
            "kind__exact": ConflictKind.FAMILY,
        },
        Allocation: {
            "q": "Millfield",
            f"participation__{in_lea}": lea.pk,
            "status__exact": AllocationStatus.CONFIRMED,
        },
        AllocationEvent: {
            **by_allocation,
            "kind__exact": AllocationEventKind.CONFIRMED,
        },
        Visit: {
            **by_allocation,
            "status__exact": VisitStatus.SUBMITTED,
            "kind__exact": VisitKind.REVIEW,
        },
        AgreedAction: {**by_visit, "visit__status__exact": VisitStatus.SUBMITTED},
        PreVisitNote: by_visit,
        SupportEvaluation: {**by_allocation, "term__exact": Term.SPRING},
    }


def model_admin_pages(model, obj):
    """Every named URL of `model`'s admin, for `obj` where the URL names an object, with the
    status an administrator gets: 403 for adding or deleting what the admin shows read only,
    and for deleting an operational record."""
    pages = []
    for pattern in admin.site._registry[model].get_urls():
        if not pattern.name:
            continue
        arg_count = pattern.pattern.regex.groups
        args = [obj.pk, obj.history.latest().pk] if arg_count == 2 else [obj.pk] * arg_count
        refused = (model in READ_ONLY_MODELS and pattern.name.endswith(("_add", "_delete"))) or (
            # Operational records are archived or ended, never deleted (privacy, issue 8).
            isinstance(admin.site._registry[model], NoDeleteAdminMixin)
            and pattern.name.endswith("_delete")
        )
        pages.append((reverse(f"admin:{pattern.name}", args=args), 403 if refused else 200))
    return pages


def model_admin_urls(model, obj):
    return [url for url, _status in model_admin_pages(model, obj)]


def autocomplete_urls():
    """The autocomplete endpoint for every autocomplete field of the admins of accounts and
    schools, with the model each one offers."""
    result = []
    for model in project_models():
        for field_name in admin.site._registry[model].autocomplete_fields:
            query = {
                "app_label": model._meta.app_label,
                "model_name": model._meta.model_name,
                "field_name": field_name,
            }
            remote_model = model._meta.get_field(field_name).related_model
            result.append((f"{reverse('admin:autocomplete')}?{urlencode(query)}", remote_model))
    return result


def all_admin_urls(records):
    site_urls = [
        reverse("admin:index"),
        reverse("admin:password_change"),
        *(reverse("admin:app_list", args=[label]) for label in ADMIN_APPS),
        *(url for url, _model in autocomplete_urls()),
    ]
    model_urls = [
        url for model in project_models() for url in model_admin_urls(model, records[model][0])
    ]
    return site_urls + model_urls


def form_data(form):
    """What a browser would post for `form` left as it was rendered."""
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        bound = form[name]
        value = bound.value()
        if isinstance(field, forms.SplitDateTimeField):
            # The admin shows a date and a time box for a date and time.
            for index, part in enumerate(field.widget.decompress(value)):
                if part is not None:
                    data[f"{bound.html_name}_{index}"] = str(part)
        elif isinstance(field, forms.NullBooleanField):
            data[bound.html_name] = {True: "true", False: "false"}.get(value, "unknown")
        elif isinstance(field, forms.BooleanField):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(item) for item in value]
        elif value is not None:
            data[bound.html_name] = str(value)
    return data


def change_page_data(response):
    """The post data of an admin change page as rendered, inlines included."""
    data = form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        data.update(form_data(inline.formset.management_form))
        for inline_form in inline.formset.forms:
            data.update(form_data(inline_form))
    return data


def page_errors(response):
    """The errors shown on an admin form page, to explain a failed assertion."""
    errors = [response.context["adminform"].form.errors]
    errors += [inline.formset.errors for inline in response.context["inline_admin_formsets"]]
    return errors


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def changelist_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.fixture
def signed_in_admin(client_for, admin_user):
    return client_for(admin_user)


@pytest.fixture
def refresh_calls(monkeypatch):
    """The keyword arguments of every `refresh_school_figures.delay` call. Each call runs the task
    in-process whatever the broker, so a test sees its effect with or without REDIS_URL."""
    calls = []

    def delay(**kwargs):
        calls.append(kwargs)
        return refresh_school_figures.apply(kwargs=kwargs, throw=True)

    monkeypatch.setattr(refresh_school_figures, "delay", delay)
    return calls


def test_every_model_of_accounts_schools_and_leadership_has_an_admin():
    models = project_models()
    missing = [model._meta.label for model in models if model not in admin.site._registry]
    assert {User, School, ValueAdded, ProgrammeYear, Participation, Watch} <= set(models)
    assert missing == []


@pytest.mark.parametrize("model", project_models(), ids=model_id)
def test_every_admin_page_of_a_model_answers_an_admin(model, records, signed_in_admin):
    pages = dict(model_admin_pages(model, records[model][0]))
    statuses = {url: signed_in_admin.get(url).status_code for url in pages}
    assert len(pages) >= 5
    assert statuses == pages


@pytest.mark.parametrize("model", project_models(), ids=model_id)
def test_changelist_shows_the_rows_of_both_leas_to_an_admin(model, records, signed_in_admin):
    response = signed_in_admin.get(changelist_url(model))
    assert response.status_code == 200
    assert set(records[model]) <= set(response.context["cl"].result_list)


@pytest.mark.parametrize("model", project_models(), ids=model_id)
def test_changelist_search_and_filters_narrow_to_one_leas_row(
    model, records, narrowing_queries, signed_in_admin
):
    response = signed_in_admin.get(changelist_url(model), narrowing_queries[model])
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [records[model][0]]


@pytest.mark.parametrize(
    "model", [m for m in project_models() if m not in READ_ONLY_MODELS], ids=model_id
)
def test_saving_an_unchanged_change_page_succeeds(model, records, signed_in_admin):
    obj = records[model][0]
    page = signed_in_admin.get(change_url(obj))
    response = signed_in_admin.post(change_url(obj), change_page_data(page))
    assert response.status_code == 302, page_errors(response)
    assert response.url == changelist_url(model)


def test_school_search_matches_the_urn_exactly_and_the_name_in_part(
    signed_in_admin, school, sibling_school, foreign_school
):
    url = changelist_url(School)
    by_urn = signed_in_admin.get(url, {"q": str(foreign_school.urn)})
    by_urn_prefix = signed_in_admin.get(url, {"q": str(foreign_school.urn)[:-1]})
    by_name = signed_in_admin.get(url, {"q": "primary"})
    assert list(by_urn.context["cl"].result_list) == [foreign_school]
    assert list(by_urn_prefix.context["cl"].result_list) == []
    assert set(by_name.context["cl"].result_list) == {school, sibling_school}


def test_lea_changelist_counts_each_leas_schools(
    signed_in_admin, school, sibling_school, foreign_school
):
    response = signed_in_admin.get(changelist_url(LocalAuthority))
    counts = {lea.code: lea.school_count for lea in response.context["cl"].result_list}
    assert counts == {school.local_authority.code: 2, foreign_school.local_authority.code: 1}


def test_every_autocomplete_field_offers_the_rows_of_both_leas(records, signed_in_admin):
    urls = autocomplete_urls()
    assert len(urls) >= 6
    for url, remote_model in urls:
        response = signed_in_admin.get(url)
        assert response.status_code == 200, url
        offered = {result["id"] for result in response.json()["results"]}
        assert {str(obj.pk) for obj in records[remote_model]} <= offered, url


def test_school_autocomplete_of_a_result_finds_schools_of_either_lea(
    signed_in_admin, school, foreign_school
):
    query = {"app_label": "schools", "model_name": "keystageresult", "field_name": "school"}
    url = reverse("admin:autocomplete")
    everything = signed_in_admin.get(url, query).json()["results"]
    by_urn = signed_in_admin.get(url, {**query, "term": str(foreign_school.urn)}).json()["results"]
    assert {result["id"] for result in everything} == {str(school.pk), str(foreign_school.pk)}
    assert by_urn == [{"id": str(foreign_school.pk), "text": str(foreign_school)}]


@pytest.mark.parametrize(
    "role",
    [
        Role.MANAGER,
        Role.LINK_ADVISER,
        Role.CONSULTANT,
        Role.HEADTEACHER,
        Role.GOVERNOR,
        ADMIN_WITHOUT_STAFF,
        None,
    ],
)
def test_everyone_but_staff_admins_is_sent_to_the_admin_login(role, records, users, client_for):
    if role == ADMIN_WITHOUT_STAFF:
        user = UserFactory(role=Role.ADMIN, is_staff=False)
    else:
        user = users[role] if role else None
    client = client_for(user)
    login_url = reverse("admin:login")
    urls = all_admin_urls(records)
    refused = {}
    for url in urls:
        response = client.get(url)
        refused[url] = response.status_code == 302 and response.url.startswith(login_url)
    assert len(urls) > 40
    assert refused == dict.fromkeys(urls, True)


def new_user_data(**overrides):
    data = {
        "email": "Nadia.Patel@Example.org",
        "full_name": "Nadia Patel",
        "job_title": "",
        "role": Role.MANAGER,
        "local_authority": "",
        "school": "",
        "usable_password": "true",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


def test_a_manager_posting_the_user_add_form_creates_nobody(users, lea, client_for):
    response = client_for(users[Role.MANAGER]).post(
        reverse("admin:accounts_user_add"), new_user_data(local_authority=lea.pk)
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert not User.objects.filter(email="nadia.patel@example.org").exists()


@pytest.mark.parametrize(
    ("role", "place"),
    [
        (Role.MANAGER, "school"),
        (Role.MANAGER, None),
        (Role.CONSULTANT, "school"),
        (Role.HEADTEACHER, "local_authority"),
        (Role.GOVERNOR, None),
        (Role.ADMIN, "local_authority"),
        (Role.ADMIN, "school"),
    ],
)
def test_adding_a_user_whose_place_does_not_fit_the_role_shows_an_error_and_saves_nothing(
    role, place, signed_in_admin, lea, school
):
    places = {"local_authority": lea.pk, "school": school.pk}
    data = new_user_data(role=role, **({place: places[place]} if place else {}))
    users_before = User.objects.count()
    response = signed_in_admin.post(reverse("admin:accounts_user_add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [PLACE_MISMATCH]
    assert User.objects.count() == users_before


def test_adding_a_manager_saves_a_hashed_password_and_no_admin_rights(signed_in_admin, lea):
    response = signed_in_admin.post(
        reverse("admin:accounts_user_add"), new_user_data(local_authority=lea.pk)
    )
    manager = User.objects.get(email="nadia.patel@example.org")
    assert response.status_code == 302
    assert response.url == change_url(manager)
    assert (manager.role, manager.local_authority, manager.school) == (Role.MANAGER, lea, None)
    assert manager.password != PASSWORD
    assert manager.check_password(PASSWORD)
    assert (manager.is_staff, manager.is_superuser, manager.is_active) == (False, False, True)


def test_adding_an_administrator_makes_them_staff_and_superuser(signed_in_admin):
    response = signed_in_admin.post(
        reverse("admin:accounts_user_add"), new_user_data(role=Role.ADMIN)
    )
    new_admin = User.objects.get(email="nadia.patel@example.org")
    assert response.status_code == 302
    assert (new_admin.is_staff, new_admin.is_superuser) == (True, True)


def test_adding_a_user_without_a_usable_password_leaves_them_unable_to_sign_in(
    signed_in_admin, school
):
    data = new_user_data(
        role=Role.HEADTEACHER, school=school.pk, usable_password="false", password1="", password2=""
    )
    response = signed_in_admin.post(reverse("admin:accounts_user_add"), data)
    head = User.objects.get(email="nadia.patel@example.org")
    assert response.status_code == 302
    assert head.school == school
    assert not head.has_usable_password()


def test_adding_a_user_whose_email_differs_only_in_case_is_refused(signed_in_admin, users, lea):
    manager = users[Role.MANAGER]
    data = new_user_data(email=manager.email.upper(), local_authority=lea.pk)
    users_before = User.objects.count()
    response = signed_in_admin.post(reverse("admin:accounts_user_add"), data)
    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    assert User.objects.count() == users_before


def test_adding_a_user_with_a_weak_password_is_refused(signed_in_admin, lea):
    data = new_user_data(local_authority=lea.pk, password1="password", password2="password")
    response = signed_in_admin.post(reverse("admin:accounts_user_add"), data)
    assert response.status_code == 200
    assert "password2" in response.context["adminform"].form.errors
    assert not User.objects.filter(email="nadia.patel@example.org").exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"school": "school"}, None, PLACE_MISMATCH),
        ({"local_authority": ""}, None, PLACE_MISMATCH),
        ({"is_staff": "on"}, "is_staff", STAFF_IS_FOR_ADMINS),
        ({"is_superuser": "on"}, None, SUPERUSER_NOT_ADMIN),
    ],
)
def test_changing_a_manager_against_the_rules_shows_an_error_and_saves_nothing(
    change, field, message, signed_in_admin, users, school
):
    manager = users[Role.MANAGER]
    url = change_url(manager)
    data = change_page_data(signed_in_admin.get(url))
    data.update({key: school.pk if value == "school" else value for key, value in change.items()})
    response = signed_in_admin.post(url, data)
    form = response.context["adminform"].form
    shown = form.non_field_errors() if field is None else form.errors[field]
    saved = User.objects.get(pk=manager.pk)
    assert response.status_code == 200
    assert shown == [message]
    assert (saved.school, saved.is_staff, saved.is_superuser) == (None, False, False)
    assert saved.local_authority == manager.local_authority


def test_changing_a_users_email_lowers_its_case(signed_in_admin, users):
    manager = users[Role.MANAGER]
    url = change_url(manager)
    data = change_page_data(signed_in_admin.get(url))
    data["email"] = "Renamed.Manager@Example.org"
    response = signed_in_admin.post(url, data)
    manager.refresh_from_db()
    assert response.status_code == 302
    assert manager.email == "renamed.manager@example.org"


def test_deactivate_action_stops_the_selected_users_but_not_the_admin_themself(
    signed_in_admin, admin_user, users, foreign_users
):
    selected = [users[Role.GOVERNOR], foreign_users[Role.CONSULTANT], admin_user]
    response = signed_in_admin.post(
        changelist_url(User),
        {"action": "deactivate_users", "_selected_action": [user.pk for user in selected]},
        follow=True,
    )
    messages = [str(message) for message in response.context["messages"]]
    active = dict(
        User.objects.filter(pk__in=[u.pk for u in selected]).values_list("pk", "is_active")
    )
    assert active == {selected[0].pk: False, selected[1].pk: False, admin_user.pk: True}
    assert User.objects.get(pk=users[Role.MANAGER].pk).is_active
    assert messages == ["2 users deactivated.", "Your own account was left active."]


def test_recompute_action_refreshes_each_selected_school_once_the_transaction_commits(
    signed_in_admin, school, foreign_school, refresh_calls, django_capture_on_commit_callbacks
):
    ValueAddedFactory(school=school, year=2003, score=Decimal("101.0"))
    ValueAddedFactory(school=school, year=2004, score=Decimal("98.2"))
    ValueAddedFactory(school=foreign_school, year=2004, score=Decimal("99.1"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = signed_in_admin.post(
            changelist_url(School),
            {
                "action": "recompute_derived_figures",
                "_selected_action": [school.pk, foreign_school.pk],
            },
            follow=True,
        )
        queued_before_commit = list(refresh_calls)
    school.refresh_from_db()
    foreign_school.refresh_from_db()
    assert queued_before_commit == []
    assert len(callbacks) == 2
    assert sorted(call["school_id"] for call in refresh_calls) == sorted(
        [school.pk, foreign_school.pk]
    )
    assert (school.latest_value_added, school.latest_value_added_year) == (Decimal("98.2"), 2004)
    assert foreign_school.latest_value_added == Decimal("99.1")
    assert [str(m) for m in response.context["messages"]] == ["2 schools queued for recomputing."]


def test_changing_a_value_added_score_in_its_admin_refreshes_the_school(
    signed_in_admin, school, refresh_calls, django_capture_on_commit_callbacks
):
    value_added = ValueAddedFactory(school=school, year=2004, score=Decimal("101.0"))
    url = change_url(value_added)
    data = change_page_data(signed_in_admin.get(url))
    data.update(score="97.4", grade="7")
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in_admin.post(url, data)
    school.refresh_from_db()
    assert response.status_code == 302, page_errors(response)
    assert refresh_calls == [{"school_id": school.pk}]
    assert school.latest_value_added == Decimal("97.4")


def test_deleting_a_value_added_score_in_its_admin_refreshes_the_school(
    signed_in_admin, school, refresh_calls, django_capture_on_commit_callbacks
):
    ValueAddedFactory(school=school, year=2003, score=Decimal("99.0"))
    latest = ValueAddedFactory(school=school, year=2004, score=Decimal("101.0"))
    url = reverse("admin:schools_valueadded_delete", args=[latest.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in_admin.post(url, {"post": "yes"})
    school.refresh_from_db()
    assert response.status_code == 302
    assert refresh_calls == [{"school_id": school.pk}]
    assert (school.latest_value_added, school.latest_value_added_year) == (Decimal("99.0"), 2003)


def test_editing_value_added_inline_on_the_school_page_refreshes_the_school(
    signed_in_admin, school, refresh_calls, django_capture_on_commit_callbacks
):
    ValueAddedFactory(school=school, year=2004, score=Decimal("101.0"))
    url = change_url(school)
    page = signed_in_admin.get(url)
    data = change_page_data(page)
    value_added_formset = next(
        inline.formset
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.model is ValueAdded
    )
    data[value_added_formset.forms[0]["score"].html_name] = "96.8"
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in_admin.post(url, data)
    school.refresh_from_db()
    assert response.status_code == 302, page_errors(response)
    assert refresh_calls == [{"school_id": school.pk}]
    assert school.latest_value_added == Decimal("96.8")


def test_saving_a_school_without_touching_value_added_queues_no_refresh(
    signed_in_admin, school, refresh_calls, django_capture_on_commit_callbacks
):
    url = change_url(school)
    data = change_page_data(signed_in_admin.get(url))
    data["name"] = "Millfield Community Primary School"
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in_admin.post(url, data)
    school.refresh_from_db()
    assert response.status_code == 302, page_errors(response)
    assert school.name == "Millfield Community Primary School"
    assert refresh_calls == []


@pytest.mark.parametrize("model", [User, School], ids=model_id)
def test_the_admin_form_offers_every_editable_field(model):
    model_admin = admin.site._registry[model]
    shown = set(flatten_fieldsets(model_admin.fieldsets))
    editable = {
        field.name
        for field in model._meta.get_fields()
        if getattr(field, "editable", False) and not field.auto_created and not field.primary_key
    }
    assert editable - shown == set()


def leadership_models():
    return [
        model
        for model in project_models()
        if model._meta.app_label in ("leadership", "consultants", "funding")
    ]


def test_leadership_and_consultant_changelists_run_as_many_queries_for_many_rows_as_for_few(
    records, lea, users, signed_in_admin
):
    def queries_per_changelist():
        counts = {}
        for model in leadership_models():
            with CaptureQueriesContext(connection) as queries:
                response = signed_in_admin.get(changelist_url(model))
            assert response.status_code == 200
            counts[model._meta.label] = len(queries)
        return counts

    few = queries_per_changelist()
    for name in ("Ashby", "Brookside", "Castleton"):
        school = SchoolFactory(local_authority=lea, name=f"{name} Primary School")
        programme = programme_records(school, school, users[Role.MANAGER])
        programme.update(
            consultant_records(programme, users[Role.MANAGER], pscl_name=f"{name} PSCL")
        )
        funding_records(programme, programme, users[Role.MANAGER])

    assert queries_per_changelist() == few


def test_participation_page_shows_its_status_and_transitions_without_editing_them(
    records, signed_in_admin
):
    participation = records[Participation][0]
    url = change_url(participation)
    page = signed_in_admin.get(url)
    transitions = next(
        inline
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.model is ParticipationTransition
    )
    data = change_page_data(page)
    data["status"] = ParticipationStatus.WITHDRAWN

    response = signed_in_admin.post(url, data)

    participation.refresh_from_db()
    assert "status" not in page.context["adminform"].form.fields
    assert (transitions.has_add_permission, transitions.has_change_permission) == (False, False)
    assert len(transitions.formset.forms) == 1
    assert response.status_code == 302, page_errors(response)
    assert participation.status == ParticipationStatus.ACTIVE


def test_transition_admin_lists_transitions_but_refuses_to_change_them(records, signed_in_admin):
    transition = records[ParticipationTransition][0]
    url = change_url(transition)
    page = signed_in_admin.get(url)

    response = signed_in_admin.post(url, {"to_status": ParticipationStatus.DECLINED})

    transition.refresh_from_db()
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert response.status_code == 403
    assert transition.to_status == ParticipationStatus.IDENTIFIED


def test_a_participation_declined_without_a_reason_is_refused_with_the_constraints_message(
    records, signed_in_admin
):
    participation = records[Participation][0]
    Participation.objects.filter(pk=participation.pk).update(
        status=ParticipationStatus.DECLINED, status_reason="The head retires at Christmas."
    )
    url = change_url(participation)
    data = change_page_data(signed_in_admin.get(url))
    data["status_reason"] = ""

    response = signed_in_admin.post(url, data)

    participation.refresh_from_db()
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "A decline or a withdrawal needs a reason."
    ]
    assert participation.status_reason == "The head retires at Christmas."


@pytest.mark.parametrize("model", [Grant, BudgetOverride], ids=model_id)
def test_grants_and_budget_overrides_are_shown_but_never_changed_in_the_admin(
    model, records, signed_in_admin
):
    obj = records[model][0]
    url = change_url(obj)
    page = signed_in_admin.get(url)
    before = model.objects.filter(pk=obj.pk).values().get()

    response = signed_in_admin.post(url, {"total": "1.00", "reason": "Changed."})

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert response.status_code == 403
    assert model.objects.filter(pk=obj.pk).values().get() == before


def test_expenditure_return_page_edits_its_cover_spending_and_evidence_inline(
    records, signed_in_admin
):
    expenditure_return = records[ExpenditureReturn][0]
    page = signed_in_admin.get(change_url(expenditure_return))
    inlines = {
        inline.formset.model: len(inline.formset.forms)
        for inline in page.context["inline_admin_formsets"]
    }
    assert inlines == {CoverClaim: 1, OtherSpending: 1, ReturnEvidence: 1}
