"""What the consultants app holds about a person: their adviser profile (with capacity,
training and attachments), applications (theirs, matched by email address or appointment, and
the steps they recorded), conflict declarations, allocations, the visits they logged or that
were made under their allocations, pre-visit notes and support evaluations they wrote."""

from django.db.models import Q

from consultants.models import (
    Adviser,
    Allocation,
    AllocationEvent,
    Application,
    ApplicationStep,
    Attachment,
    Capacity,
    ConflictDeclaration,
    ConsultantTraining,
    DeclaredConflict,
    PreVisitNote,
    SupportEvaluation,
    Visit,
)

from ..registry import rows, section

PARTICIPATION = "allocation__participation"


@section("adviser_profile", "Adviser profile", covers=("consultants.Adviser.user",))
def adviser_profile(user):
    profile = rows(
        Adviser.objects.filter(user=user),
        id="pk",
        lea="local_authority__name",
        kind="kind",
        full_name="full_name",
        email="email",
        phone="phone",
        home_school="home_school__name",
        years_of_headship="years_of_headship",
        expertise="expertise",
        appointed_on="appointed_on",
        is_active="is_active",
    )
    ids = [row["id"] for row in profile]
    capacity = rows(
        Capacity.objects.filter(adviser_id__in=ids),
        programme_year="programme_year__name",
        max_schools="max_schools",
        max_days="max_days",
    )
    training = rows(
        ConsultantTraining.objects.filter(adviser_id__in=ids),
        programme_year="programme_year__name",
        day="day",
        attended_on="attended_on",
    )
    attachments = rows(
        Attachment.objects.filter(adviser_id__in=ids),
        school="school__name",
        attached_on="attached_on",
    )
    return (
        [{"record": "profile", **r} for r in profile]
        + [{"record": "capacity", **r} for r in capacity]
        + [{"record": "training", **r} for r in training]
        + [{"record": "school attachment", **r} for r in attachments]
    )


@section(
    "applications",
    "PSCL applications and their steps",
    covers=("consultants.ApplicationStep.changed_by",),
)
def applications(user):
    own = Application.objects.filter(Q(email__iexact=user.email) | Q(adviser__user=user))
    applied = rows(
        own.order_by("received_on"),
        id="pk",
        programme_year="programme_year__name",
        full_name="full_name",
        email="email",
        phone="phone",
        home_school="home_school__name",
        years_of_headship="years_of_headship",
        received_on="received_on",
        letter="letter_text",
        status="status",
        recommendation="recommendation",
        recommendation_notes="recommendation_notes",
        screening_notes="screening_notes",
        interviewed_on="interviewed_on",
        interview_score="interview_score",
        interview_notes="interview_notes",
    )
    steps = rows(
        ApplicationStep.objects.filter(Q(application__in=own) | Q(changed_by=user)).order_by(
            "changed_at"
        ),
        application="application_id",
        from_status="from_status",
        to_status="to_status",
        notes="notes",
        at="changed_at",
    )
    return [{"record": "application", **r} for r in applied] + [
        {"record": "step", **r} for r in steps
    ]


@section(
    "conflict_declarations",
    "Conflict of interest declarations",
    covers=("consultants.ConflictDeclaration.declared_by",),
)
def conflict_declarations(user):
    declarations = ConflictDeclaration.objects.filter(Q(adviser__user=user) | Q(declared_by=user))
    declared = rows(
        declarations,
        id="pk",
        adviser="adviser__full_name",
        programme_year="programme_year__name",
        declared_on="declared_on",
    )
    conflicts = rows(
        DeclaredConflict.objects.filter(declaration__in=declarations),
        declaration="declaration_id",
        school="school__name",
        kind="kind",
        details="details",
    )
    return [{"record": "declaration", **r} for r in declared] + [
        {"record": "conflict", **r} for r in conflicts
    ]


@section(
    "allocations",
    "Allocations (matches to schools) and their events",
    covers=("consultants.Allocation.confirmed_by", "consultants.AllocationEvent.by"),
)
def allocations(user):
    matched = rows(
        Allocation.objects.filter(Q(adviser__user=user) | Q(confirmed_by=user)).order_by(
            "confirmed_at"
        ),
        id="pk",
        pscl="adviser__full_name",
        school="participation__school__name",
        programme_year="participation__programme_year__name",
        status="status",
        planned_days="planned_days",
        confirmed_at="confirmed_at",
        ended_on="ended_on",
        end_reason="end_reason",
    )
    events = rows(
        AllocationEvent.objects.filter(Q(allocation__adviser__user=user) | Q(by=user)).order_by(
            "at"
        ),
        allocation="allocation_id",
        kind="kind",
        reason="reason",
        detail="detail",
        at="at",
    )
    return [{"record": "allocation", **r} for r in matched] + [
        {"record": "event", **r} for r in events
    ]


@section("visits", "PSCL visits and their notes", covers=("consultants.Visit.created_by",))
def visits(user):
    return rows(
        Visit.objects.filter(Q(created_by=user) | Q(allocation__adviser__user=user)).order_by(
            "visit_on", "pk"
        ),
        id="pk",
        school=f"{PARTICIPATION}__school__name",
        visit_on="visit_on",
        status="status",
        purpose="purpose",
        kind="kind",
        stage="stage",
        attendees="attendees",
        notes="notes",
        standards_challenged="standards_challenged",
        challenge_detail="challenge_detail",
        days="days",
    )


@section(
    "school_notes",
    "Pre-visit notes and support evaluations written",
    covers=("consultants.PreVisitNote.written_by", "consultants.SupportEvaluation.written_by"),
)
def school_notes(user):
    notes = rows(
        PreVisitNote.objects.filter(written_by=user).order_by("written_at"),
        school=f"visit__{PARTICIPATION}__school__name",
        at="written_at",
        progress="progress",
        wants="wants",
    )
    ratings = rows(
        SupportEvaluation.objects.filter(written_by=user).order_by("written_at"),
        school=f"{PARTICIPATION}__school__name",
        at="written_at",
        term="term",
        rating="rating",
        comments="comments",
    )
    return [{"record": "pre-visit note", **r} for r in notes] + [
        {"record": "support evaluation", **r} for r in ratings
    ]
