"""The programme year: participation and selection, leadership teams, training, school-to-school
visits, action plans, and the school's engagement story."""

from .engagement import (
    Concern,
    ConcernEscalation,
    ConcernLevel,
    ConcernSeverity,
    GoodPractice,
    Note,
    Watch,
)
from .plans import (
    Action,
    ActionPlan,
    ActionStatus,
    PlanPriority,
    PlanReview,
    PriorityArea,
    ReviewProgress,
    SuccessCriterion,
)
from .programme import (
    OfstedKind,
    Participation,
    ParticipationStatus,
    ParticipationTransition,
    ProgrammeYear,
    SelectionFlag,
    SelectionMeasure,
)
from .teams import (
    LeadershipTeamMember,
    MemberRole,
    SchoolActivity,
    SchoolVisit,
    TrainingAttendance,
    TrainingEvent,
    TrainingSession,
)

__all__ = [
    "Action",
    "ActionPlan",
    "ActionStatus",
    "Concern",
    "ConcernEscalation",
    "ConcernLevel",
    "ConcernSeverity",
    "GoodPractice",
    "LeadershipTeamMember",
    "MemberRole",
    "Note",
    "OfstedKind",
    "Participation",
    "ParticipationStatus",
    "ParticipationTransition",
    "PlanPriority",
    "PlanReview",
    "PriorityArea",
    "ProgrammeYear",
    "ReviewProgress",
    "SchoolActivity",
    "SchoolVisit",
    "SelectionFlag",
    "SelectionMeasure",
    "SuccessCriterion",
    "TrainingAttendance",
    "TrainingEvent",
    "TrainingSession",
    "Watch",
]
