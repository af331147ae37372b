"""factory-boy factories for the programme year, shared by the tests and `seed_demo`."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from accounts.factories import UserFactory
from accounts.models import Role
from schools.factories import LocalAuthorityFactory, SchoolFactory

from .models import (
    Action,
    ActionPlan,
    Concern,
    ConcernSeverity,
    LeadershipTeamMember,
    MemberRole,
    Note,
    Participation,
    ParticipationStatus,
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
)


class ProgrammeYearFactory(DjangoModelFactory):
    class Meta:
        model = ProgrammeYear
        django_get_or_create = ("local_authority", "name")

    local_authority = factory.SubFactory(LocalAuthorityFactory)
    name = "2004-05"
    starts_on = datetime.date(2004, 9, 1)
    ends_on = datetime.date(2005, 7, 31)
    funded_places = 34
    reserve_places = 3


class ParticipationFactory(DjangoModelFactory):
    class Meta:
        model = Participation

    programme_year = factory.SubFactory(ProgrammeYearFactory)
    school = factory.SubFactory(
        SchoolFactory, local_authority=factory.SelfAttribute("..programme_year.local_authority")
    )
    status = ParticipationStatus.ACTIVE
    status_reason = factory.Maybe(
        factory.LazyAttribute(
            lambda o: o.status in (ParticipationStatus.DECLINED, ParticipationStatus.WITHDRAWN)
        ),
        yes_declaration="The headteacher is on long-term sick leave this year.",
        no_declaration="",
    )
    invited_on = datetime.date(2004, 6, 14)
    joined_on = factory.Maybe(
        factory.LazyAttribute(
            lambda o: (
                o.status
                in (
                    ParticipationStatus.ACCEPTED,
                    ParticipationStatus.ACTIVE,
                    ParticipationStatus.COMPLETED,
                    ParticipationStatus.WITHDRAWN,
                )
            )
        ),
        yes_declaration=datetime.date(2004, 7, 1),
        no_declaration=None,
    )


class SelectionFlagFactory(DjangoModelFactory):
    class Meta:
        model = SelectionFlag

    programme_year = factory.SubFactory(ProgrammeYearFactory)
    school = factory.SubFactory(
        SchoolFactory, local_authority=factory.SelfAttribute("..programme_year.local_authority")
    )
    reason = "KS2 maths is 9 points below its 2005 target; a new head needs support to close it."
    flagged_by = factory.SubFactory(
        UserFactory,
        role=Role.MANAGER,
        local_authority=factory.SelfAttribute("..programme_year.local_authority"),
    )


class LeadershipTeamMemberFactory(DjangoModelFactory):
    class Meta:
        model = LeadershipTeamMember

    participation = factory.SubFactory(ParticipationFactory)
    full_name = factory.Faker("name", locale="en_GB")
    role = MemberRole.DEPUTY


class SchoolActivityFactory(DjangoModelFactory):
    class Meta:
        model = SchoolActivity

    member = factory.SubFactory(LeadershipTeamMemberFactory)
    done_on = datetime.date(2004, 10, 12)
    days = Decimal("0.5")
    description = "Observed Year 5 maths lessons with the PSCL and gave feedback."


class TrainingEventFactory(DjangoModelFactory):
    class Meta:
        model = TrainingEvent

    programme_year = factory.SubFactory(ProgrammeYearFactory)
    session = 1
    held_on = datetime.date(2004, 9, 23)
    venue = "Teachers' Centre, Market Street"
    capacity = 40


class TrainingAttendanceFactory(DjangoModelFactory):
    class Meta:
        model = TrainingAttendance

    event = factory.SubFactory(TrainingEventFactory)
    # A member of a school taking part in the event's year.
    member = factory.SubFactory(
        LeadershipTeamMemberFactory,
        participation__programme_year=factory.SelfAttribute("...event.programme_year"),
    )
    is_present = True


class SchoolVisitFactory(DjangoModelFactory):
    class Meta:
        model = SchoolVisit
        skip_postgeneration_save = True

    participation = factory.SubFactory(ParticipationFactory)
    visited_on = datetime.date(2004, 11, 17)
    host_school = factory.SubFactory(SchoolFactory)
    purpose = "See how the host school tracks pupils' progress in writing each half term."
    is_outside_locality = False

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.set(extracted)


class ActionPlanFactory(DjangoModelFactory):
    class Meta:
        model = ActionPlan

    participation = factory.SubFactory(ParticipationFactory)
    summary = "Raise attainment in KS2 writing and maths through sharper tracking."


class PlanPriorityFactory(DjangoModelFactory):
    class Meta:
        model = PlanPriority

    plan = factory.SubFactory(ActionPlanFactory)
    area = PriorityArea.ENGLISH
    title = "Raise standards in writing in KS2"
    position = factory.Sequence(lambda n: n)


class SuccessCriterionFactory(DjangoModelFactory):
    class Meta:
        model = SuccessCriterion

    priority = factory.SubFactory(PlanPriorityFactory)
    description = "More Year 6 pupils reach Level 4 in writing"
    measure = "% of Year 6 at Level 4+ in writing"
    baseline = Decimal("58.0")
    target_value = Decimal("70.0")
    target_on = datetime.date(2005, 7, 15)


class ActionFactory(DjangoModelFactory):
    class Meta:
        model = Action

    priority = factory.SubFactory(PlanPriorityFactory)
    description = "Introduce half-termly writing assessments across KS2"
    due_on = datetime.date(2004, 12, 17)


class PlanReviewFactory(DjangoModelFactory):
    class Meta:
        model = PlanReview

    plan = factory.SubFactory(ActionPlanFactory)
    reviewed_on = datetime.date(2004, 11, 26)
    progress = ReviewProgress.AMBER
    notes = "Writing assessments started in Years 5 and 6; Years 3 and 4 start after half term."
    reviewed_by = factory.SubFactory(
        UserFactory,
        role=Role.HEADTEACHER,
        school=factory.SelfAttribute("..plan.participation.school"),
    )


class NoteFactory(DjangoModelFactory):
    class Meta:
        model = Note

    school = factory.SubFactory(SchoolFactory)
    text = "Head keen; deputy new to post and needs time to settle."


class ConcernFactory(DjangoModelFactory):
    class Meta:
        model = Concern

    school = factory.SubFactory(SchoolFactory)
    severity = ConcernSeverity.MEDIUM
    summary = "Two PSCL visits cancelled at short notice; the team missed training session 2."
