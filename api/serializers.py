"""What the API shows of each record, and what it takes in for the writes.

Reads are plain ModelSerializers with their fields named one by one, so that a new model field
is never published without a decision. Writes take the fields a page's form takes and hand them
to the same service the page calls (api/views.py): these serializers check shapes (a date is a
date, a choice is a choice); the services hold the rules.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from consultants.models import (
    AgreedAction,
    Allocation,
    ConsultancyStage,
    Visit,
    VisitFocus,
    VisitKind,
    VisitLength,
)
from leadership.models import Participation, PlanReview, ProgrammeYear, ReviewProgress
from reports.models import ReportRun, RunStatus
from schools.models import KeyStage2Progress, KeyStageResult, LocalAuthority, School, ValueAdded

# Reads ---------------------------------------------------------------------------------------


class LocalAuthoritySerializer(serializers.ModelSerializer):
    class Meta:
        model = LocalAuthority
        fields = ["id", "code", "name"]


class KeyStageResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = KeyStageResult
        fields = ["year", "key_stage", "cohort_size", "english_percentage", "maths_percentage"]


class ValueAddedSerializer(serializers.ModelSerializer):
    class Meta:
        model = ValueAdded
        fields = ["year", "score", "grade"]


class KeyStage2ProgressSerializer(serializers.ModelSerializer):
    class Meta:
        model = KeyStage2Progress
        fields = [
            "year",
            "reading_progress",
            "reading_band",
            "writing_progress",
            "writing_band",
            "maths_progress",
            "maths_band",
            "percentage_expected_rwm",
        ]


class SchoolSerializer(serializers.ModelSerializer):
    """A school's register entry with its results, value added (2003-2006, centred on 100) and
    KS2 progress scores (today's, centred on 0), every year held. The LEA's own judgements
    (leadership, barriers, ICT) stay on the school's page."""

    local_authority = serializers.PrimaryKeyRelatedField(read_only=True)
    results = KeyStageResultSerializer(many=True, read_only=True)
    value_added = ValueAddedSerializer(many=True, read_only=True)
    ks2_progress = KeyStage2ProgressSerializer(many=True, read_only=True)

    class Meta:
        model = School
        fields = [
            "urn",
            "name",
            "local_authority",
            "establishment_number",
            "phase",
            "school_type",
            "number_on_roll",
            "percentage_fsm",
            "postcode",
            "ofsted_category",
            "is_open",
            "closed_on",
            "headteacher_name",
            "latest_value_added",
            "latest_value_added_year",
            "results",
            "value_added",
            "ks2_progress",
        ]


class ProgrammeYearSerializer(serializers.ModelSerializer):
    local_authority = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = ProgrammeYear
        fields = [
            "id",
            "local_authority",
            "name",
            "starts_on",
            "ends_on",
            "funded_places",
            "reserve_places",
            "reserve_released",
            "pscl_days_per_school",
            "pscl_hours_per_day",
            "small_school_max_pupils",
            "value_added_threshold",
        ]


class ParticipationSerializer(serializers.ModelSerializer):
    programme_year = serializers.PrimaryKeyRelatedField(read_only=True)
    school = serializers.SlugRelatedField(slug_field="urn", read_only=True)
    school_name = serializers.CharField(source="school.name", read_only=True)

    class Meta:
        model = Participation
        fields = [
            "id",
            "programme_year",
            "school",
            "school_name",
            "status",
            "status_reason",
            "ofsted_kind",
            "invited_on",
            "joined_on",
        ]


class AllocationSerializer(serializers.ModelSerializer):
    """A PSCL's match to a school, with the days its submitted visits have delivered."""

    participation = serializers.PrimaryKeyRelatedField(read_only=True)
    school = serializers.SlugRelatedField(
        source="participation.school", slug_field="urn", read_only=True
    )
    pscl = serializers.CharField(source="adviser.full_name", read_only=True)
    days_delivered = serializers.DecimalField(max_digits=6, decimal_places=2, read_only=True)

    class Meta:
        model = Allocation
        fields = [
            "id",
            "participation",
            "school",
            "pscl",
            "status",
            "planned_days",
            "days_delivered",
            "confirmed_at",
            "ended_on",
        ]


class AgreedActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgreedAction
        fields = ["id", "who", "what", "due_on", "done_on"]


class VisitSerializer(serializers.ModelSerializer):
    """A visit and its note, for those who read the notes (`Visit.objects.visible_to`)."""

    school = serializers.SlugRelatedField(
        source="allocation.participation.school", slug_field="urn", read_only=True
    )
    focus = serializers.ListField(
        child=serializers.ChoiceField(choices=VisitFocus.choices), read_only=True
    )
    agreed_actions = AgreedActionSerializer(many=True, read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "allocation",
            "school",
            "status",
            "visit_on",
            "purpose",
            "length",
            "hours",
            "days",
            "kind",
            "stage",
            "focus",
            "attendees",
            "notes",
            "standards_challenged",
            "challenge_detail",
            "next_visit_on",
            "submitted_at",
            "created_at",
            "updated_at",
            "agreed_actions",
        ]
        read_only_fields = fields


class PlanReviewSerializer(serializers.ModelSerializer):
    participation = serializers.IntegerField(source="plan.participation_id", read_only=True)

    class Meta:
        model = PlanReview
        fields = ["id", "plan", "participation", "reviewed_on", "progress", "notes"]
        read_only_fields = fields


class ReportRunSerializer(serializers.ModelSerializer):
    """A report's metadata and the addresses of its page and PDF; the report itself is read
    there (each reading is logged)."""

    school = serializers.SlugRelatedField(slug_field="urn", read_only=True)
    page_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportRun
        fields = [
            "id",
            "kind",
            "title",
            "status",
            "local_authority",
            "programme_year",
            "term",
            "school",
            "version",
            "created_at",
            "data_read_at",
            "finished_at",
            "page_url",
            "pdf_url",
        ]
        read_only_fields = fields

    def _absolute(self, url: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, run) -> str:
        return self._absolute(reverse("reports:run_detail", args=[run.pk]))

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_pdf_url(self, run) -> str | None:
        if run.status != RunStatus.DONE:
            return None
        return self._absolute(reverse("reports:run_pdf", args=[run.pk]))


# Writes --------------------------------------------------------------------------------------


class AgreedActionLineSerializer(serializers.Serializer):
    """One agreed action: a new one (no id), a change to one of the visit's (its id), or one to
    take off the visit (its id and `remove`)."""

    id = serializers.IntegerField(required=False, allow_null=True)
    who = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    what = serializers.CharField(required=False, allow_blank=True, default="")
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    remove = serializers.BooleanField(required=False, default=False)


class VisitAction:
    """What a write asks of a visit (the buttons of the PSCL's form)."""

    PLAN = "plan"
    DRAFT = "draft"
    SUBMIT = "submit"


class VisitNoteWriteSerializer(serializers.Serializer):
    """The note of a visit as the PSCL's form takes it. `action` says what to do: "draft" saves
    a draft (only the date is needed), "submit" submits it (complete), and on a new visit
    "plan" plans it (date and purpose). A submitted visit is changed whatever the action."""

    action = serializers.ChoiceField(
        choices=[
            (VisitAction.PLAN, "Plan"),
            (VisitAction.DRAFT, "Draft"),
            (VisitAction.SUBMIT, "Submit"),
        ],
        default=VisitAction.DRAFT,
    )
    visit_on = serializers.DateField()
    purpose = serializers.CharField(max_length=300, required=False, allow_blank=True)
    length = serializers.ChoiceField(choices=VisitLength.choices, required=False, allow_blank=True)
    hours = serializers.DecimalField(
        max_digits=3, decimal_places=1, required=False, allow_null=True
    )
    kind = serializers.ChoiceField(choices=VisitKind.choices, required=False, allow_blank=True)
    stage = serializers.ChoiceField(
        choices=ConsultancyStage.choices, required=False, allow_null=True
    )
    focus = serializers.ListField(
        child=serializers.ChoiceField(choices=VisitFocus.choices), required=False
    )
    attendees = serializers.CharField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    standards_challenged = serializers.BooleanField(required=False, allow_null=True)
    challenge_detail = serializers.CharField(required=False, allow_blank=True)
    next_visit_on = serializers.DateField(required=False, allow_null=True)
    agreed_actions = AgreedActionLineSerializer(many=True, required=False)


class VisitCreateSerializer(VisitNoteWriteSerializer):
    allocation = serializers.IntegerField(help_text="The allocation (PSCL and school) visited.")


class PlanReviewWriteSerializer(serializers.Serializer):
    reviewed_on = serializers.DateField()
    progress = serializers.ChoiceField(choices=ReviewProgress.choices)
    notes = serializers.CharField()


class PlanReviewCreateSerializer(PlanReviewWriteSerializer):
    plan = serializers.IntegerField(help_text="The action plan reviewed.")
