"""The actors of the scoping tests: every role on each side of two LEAs, an anonymous visitor,
and an inactive user of each role, with the schools and LEAs each one may see.

Fixtures give "own" (the LEA of `school` and `sibling_school`) and "other" (the LEA of
`foreign_school`); school roles belong to `school` or `foreign_school`. The PSCL of each side
is allocated now to that side's school (`school` or `foreign_school`), through the school's
participation in a programme year, so it sees that school and no other."""

from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from conftest import make_user
from consultants.factories import AdviserFactory, AllocationFactory
from leadership.factories import ParticipationFactory, ProgrammeYearFactory

#: Each actor: (role, the LEA they belong to, whether active).
ACTORS = {
    "admin": (Role.ADMIN, None, True),
    "manager": (Role.MANAGER, "own", True),
    "link_adviser": (Role.LINK_ADVISER, "own", True),
    "pscl": (Role.CONSULTANT, "own", True),
    "headteacher": (Role.HEADTEACHER, "own", True),
    "governor": (Role.GOVERNOR, "own", True),
    "other_manager": (Role.MANAGER, "other", True),
    "other_link_adviser": (Role.LINK_ADVISER, "other", True),
    "other_pscl": (Role.CONSULTANT, "other", True),
    "other_headteacher": (Role.HEADTEACHER, "other", True),
    "other_governor": (Role.GOVERNOR, "other", True),
    "anonymous": (None, None, False),
    **{f"inactive_{role.value.lower()}": (role, "own", False) for role in Role},
}

#: The schools each actor sees (and so the yearly records of those schools).
SCHOOLS_SEEN = {
    "admin": {"own", "sibling", "foreign"},
    "manager": {"own", "sibling"},
    "link_adviser": {"own", "sibling"},
    # A PSCL sees only the schools allocated to them now: each side's school.
    "pscl": {"own"},
    "headteacher": {"own"},
    "governor": {"own"},
    "other_manager": {"foreign"},
    "other_link_adviser": {"foreign"},
    "other_pscl": {"foreign"},
    "other_headteacher": {"foreign"},
    "other_governor": {"foreign"},
}

#: The LEAs each actor sees.
LEAS_SEEN = {
    "admin": {"own", "other"},
    "manager": {"own"},
    "link_adviser": {"own"},
    "pscl": {"own"},
    "headteacher": {"own"},
    "governor": {"own"},
    "other_manager": {"other"},
    "other_link_adviser": {"other"},
    "other_pscl": {"other"},
    "other_headteacher": {"other"},
    "other_governor": {"other"},
}


#: The actors allocated, as PSCLs, to their side's school.
ALLOCATED_PSCLS = {"pscl", "other_pscl"}


def make_actor(name, places):
    """The user `name` stands for, placed in `places` (the "leas" and "schools" by side, and
    optionally the "participations" by school key). A PSCL actor gets an adviser profile and a
    confirmed allocation to its side's school: through that school's participation in
    `places` if there is one, else through one made in a programme year of its LEA."""
    role, side, is_active = ACTORS[name]
    if role is None:
        return AnonymousUser()
    lea = places["leas"].get(side)
    school_key = "own" if side == "own" else "foreign"
    school = places["schools"][school_key]
    user = make_user(role, lea=lea, school=school, is_active=is_active)
    if name in ALLOCATED_PSCLS:
        allocate(user, school, places.get("participations", {}).get(school_key))
    return user


def allocate(user, school, participation=None):
    """Make `user` (a PSCL log-in) the PSCL allocated now to `school`."""
    if participation is None:
        year = ProgrammeYearFactory(local_authority=school.local_authority)
        participation = ParticipationFactory(programme_year=year, school=school)
    adviser = AdviserFactory(
        local_authority=school.local_authority, user=user, full_name=user.full_name
    )
    return AllocationFactory(adviser=adviser, participation=participation)
