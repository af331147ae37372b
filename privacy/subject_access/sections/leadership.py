"""What the leadership app holds about a person: the team they belong to (matched by email
address: team members do not sign in), plan reviews, notes, concerns, good practice, watches,
status changes, selection flags, training attendance, and records they archived."""

from leadership.models import (
    Concern,
    ConcernEscalation,
    GoodPractice,
    LeadershipTeamMember,
    Note,
    ParticipationTransition,
    PlanReview,
    SchoolVisit,
    SelectionFlag,
    TrainingAttendance,
    Watch,
)

from ..registry import rows, section

SCHOOL = "participation__school__name"
YEAR = "participation__programme_year__name"


@section("team_membership", "Leadership team membership")
def team_membership(user):
    return rows(
        LeadershipTeamMember.objects.filter(email__iexact=user.email).order_by("pk"),
        school=SCHOOL,
        programme_year=YEAR,
        full_name="full_name",
        role="role",
        email="email",
        left_on="archived_at",
    )


@section("plan_reviews", "Action plan reviews made", covers=("leadership.PlanReview.reviewed_by",))
def plan_reviews(user):
    return rows(
        PlanReview.objects.filter(reviewed_by=user).order_by("reviewed_on"),
        school="plan__participation__school__name",
        reviewed_on="reviewed_on",
        progress="progress",
        notes="notes",
    )


@section("notes", "Notes written", covers=("leadership.Note.author",))
def notes(user):
    return rows(
        Note.objects.filter(author=user).order_by("created_at"),
        school="school__name",
        at="created_at",
        text="text",
    )


@section(
    "concerns",
    "Concerns raised and escalated",
    covers=("leadership.Concern.raised_by", "leadership.ConcernEscalation.escalated_by"),
)
def concerns(user):
    raised = rows(
        Concern.objects.filter(raised_by=user).order_by("raised_at"),
        school="school__name",
        at="raised_at",
        severity="severity",
        summary="summary",
    )
    escalated = rows(
        ConcernEscalation.objects.filter(escalated_by=user).order_by("escalated_at"),
        school="concern__school__name",
        at="escalated_at",
        to_level="to_level",
        note="note",
    )
    return [{"action": "raised", **r} for r in raised] + [
        {"action": "escalated", **r} for r in escalated
    ]


@section("good_practice", "Good practice written", covers=("leadership.GoodPractice.written_by",))
def good_practice(user):
    return rows(
        GoodPractice.objects.filter(written_by=user).order_by("written_at"),
        school=SCHOOL,
        at="written_at",
        title="title",
        case_study="case_study",
    )


@section("watches", "Schools watched", covers=("leadership.Watch.user",))
def watches(user):
    return rows(
        Watch.objects.filter(user=user).order_by("created_at"),
        school="school__name",
        since="created_at",
    )


@section(
    "status_changes",
    "Participation status changes and selection flags made",
    covers=("leadership.ParticipationTransition.changed_by", "leadership.SelectionFlag.flagged_by"),
)
def status_changes(user):
    changes = rows(
        ParticipationTransition.objects.filter(changed_by=user).order_by("changed_at"),
        school=SCHOOL,
        at="changed_at",
        from_status="from_status",
        to_status="to_status",
        reason="reason",
    )
    flags = rows(
        SelectionFlag.objects.filter(flagged_by=user).order_by("flagged_at"),
        school="school__name",
        at="flagged_at",
        reason="reason",
    )
    return [{"record": "status change", **r} for r in changes] + [
        {"record": "selection flag", **r} for r in flags
    ]


@section(
    "training_attendance",
    "Training sessions (as a PSCL)",
    covers=("leadership.TrainingAttendance.consultant",),
)
def training_attendance(user):
    return rows(
        TrainingAttendance.objects.filter(consultant=user).order_by("event__held_on"),
        session="event__session",
        held_on="event__held_on",
        venue="event__venue",
        present="is_present",
    )


@section(
    "leadership_archived",
    "Team members and school visits they archived",
    covers=("leadership.LeadershipTeamMember.archived_by", "leadership.SchoolVisit.archived_by"),
)
def leadership_archived(user):
    members = rows(
        LeadershipTeamMember.objects.filter(archived_by=user),
        record="full_name",
        school=SCHOOL,
        at="archived_at",
    )
    visits = rows(
        SchoolVisit.objects.filter(archived_by=user),
        record="host_school__name",
        school=SCHOOL,
        at="archived_at",
    )
    return [{"kind": "team member", **r} for r in members] + [
        {"kind": "school visit to", **r} for r in visits
    ]
