"""Demo accounts for `manage.py seed_demo`: one admin, and in each demo LEA one user per role.

Also `upsert` and `upsert_all`, the writes every app's demo module uses, so that seeding twice
changes nothing.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from factory import Transformer

from .factories import DEMO_PASSWORD, UserFactory
from .models import Role, User

ADMIN_EMAIL = "admin@plp.example.org"
ADMIN_NAME = "Sam Whitaker"

#: The people of each demo LEA, by LEA code: name and job title per role. The headteacher is the
#: one the school's record names, so the account and the background file agree.
DEMO_PEOPLE: dict[str, dict[Role, tuple[str, str]]] = {
    "991": {
        Role.MANAGER: ("Priya Sharma", "Primary Strategy Manager"),
        Role.LINK_ADVISER: ("Jo Whitfield", "Link Adviser"),
        Role.CONSULTANT: ("David Ellison", "Primary Strategy Consultant Leader"),
        Role.GOVERNOR: ("Daniel Okafor", "Chair of Governors"),
    },
    "992": {
        Role.MANAGER: ("Helen Marsh", "Primary Strategy Manager"),
        Role.LINK_ADVISER: ("Imran Hussain", "Link Adviser"),
        Role.CONSULTANT: ("Margaret Doyle", "Primary Strategy Consultant Leader"),
        Role.GOVERNOR: ("Grace Adeyemi", "Chair of Governors"),
    },
}

#: The first part of each demo email address, by role.
EMAIL_LOCAL_PARTS = {
    Role.MANAGER: "manager",
    Role.LINK_ADVISER: "adviser",
    Role.CONSULTANT: "pscl",
    Role.HEADTEACHER: "head",
    Role.GOVERNOR: "governor",
}


@dataclass(frozen=True)
class DemoLogin:
    """One line of the log-ins table `seed_demo` prints."""

    email: str
    role: str
    place: str
    password: str


def upsert(
    model: type[models.Model],
    *,
    lookup: dict[str, Any],
    values: dict[str, Any],
    build: Callable[..., models.Model] | None = None,
) -> tuple[models.Model, bool]:
    """Make the row found by `lookup` (its natural key) hold `values`, creating it if missing;
    return it and whether it was created, as `update_or_create` does.

    Writes only when a value differs, so seeding again leaves every row and its audit history as
    they were. Each field is validated before a write; foreign keys, uniqueness and check
    constraints are left to the database, which holds them all. `build` makes the new, unsaved
    instance (a factory's `build`, say); it defaults to the model itself.
    """
    try:
        obj = model._default_manager.get(**lookup)
    except model.DoesNotExist:
        obj = (build or model)(**lookup, **values)
        _validate(obj)
        obj.save()
        return obj, True
    _update(obj, values)
    return obj, False


def upsert_all(
    model: type[models.Model],
    *,
    within: dict[str, Any],
    keys: tuple[str, ...],
    rows: Iterable[dict[str, Any]],
) -> int:
    """`upsert` each of `rows` among the rows that match `within` (one school's yearly records,
    say), reading those in one query. Each row holds its `keys` (which, with `within`, make the
    natural key) and its values. New rows go in with one insert, unless the model keeps an audit
    history, which only a save records. Returns the number of new rows (which, inserted in bulk,
    sent no `post_save`)."""
    existing = {
        tuple(getattr(obj, key) for key in keys): obj
        for obj in model._default_manager.filter(**within)
    }
    new = []
    for row in rows:
        values = {name: value for name, value in row.items() if name not in keys}
        obj = existing.get(tuple(row[name] for name in keys))
        if obj is None:
            new.append(model(**within, **row))
        else:
            _update(obj, values)
    for obj in new:
        _validate(obj)
    if hasattr(model._meta, "simple_history_manager_attribute"):
        for obj in new:
            obj.save()
    else:
        model._default_manager.bulk_create(new)
    return len(new)


def _update(obj: models.Model, values: dict[str, Any]) -> None:
    changed = [name for name, value in values.items() if _differs(obj, name, value)]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        _validate(obj)
        obj.save(update_fields=changed)


def _validate(obj: models.Model) -> None:
    # Foreign keys, uniqueness and check constraints are the database's to hold; checking them
    # here would cost a query each.
    foreign_keys = [f.name for f in obj._meta.concrete_fields if f.many_to_one]
    obj.full_clean(exclude=foreign_keys, validate_unique=False, validate_constraints=False)


def _differs(obj: models.Model, name: str, value: Any) -> bool:
    model_field = obj._meta.get_field(name)
    if model_field.many_to_one:
        # Compare keys, so that an unchanged foreign key costs no query.
        return getattr(obj, model_field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


SCHOOL_ROLES_IN_ORDER = (Role.HEADTEACHER, Role.GOVERNOR)


def seed_users(*, places: Iterable[tuple[Any, Any]]) -> list[DemoLogin]:
    """Create or update the demo admin and, for each `(lea, school)` in `places`, the LEA's
    strategy manager, link adviser and PSCL, and the headteacher and governor of `school`.

    `lea` is a `schools.LocalAuthority` whose code is a key of `DEMO_PEOPLE`, and `school` one of
    its schools. Emails are `<role>@<lea name>.example.org`; every password is `DEMO_PASSWORD`,
    hashed again only if it no longer checks. Returns the log-ins, admin first.
    """
    hashes = _DemoPasswordHashes()
    logins = [
        _seed_user(
            hashes=hashes,
            email=ADMIN_EMAIL,
            full_name=ADMIN_NAME,
            job_title="System administrator",
            role=Role.ADMIN,
            lea=None,
            school=None,
            place="All LEAs",
        )
    ]
    for lea, school in places:
        if school.local_authority_id != lea.pk:
            raise ValueError(f"{school} is not a school of {lea}.")
        domain = f"{lea.name.lower()}.example.org"
        people = dict(DEMO_PEOPLE[lea.code])
        people[Role.HEADTEACHER] = (school.headteacher_name, "Headteacher")
        for role in (Role.MANAGER, Role.LINK_ADVISER, Role.CONSULTANT, *SCHOOL_ROLES_IN_ORDER):
            full_name, job_title = people[role]
            in_school = role in SCHOOL_ROLES_IN_ORDER
            logins.append(
                _seed_user(
                    hashes=hashes,
                    email=f"{EMAIL_LOCAL_PARTS[role]}@{domain}",
                    full_name=full_name,
                    job_title=job_title,
                    role=role,
                    lea=None if in_school else lea,
                    school=school if in_school else None,
                    place=f"{school.name}, {lea.name}" if in_school else str(lea),
                )
            )
    return logins


@dataclass
class _DemoPasswordHashes:
    """The demo password hashed once per seed, and each stored hash checked once: the hasher
    (Argon2) is slow on purpose. Demo accounts may share a hash, as they share a published
    password."""

    encoded: str = ""
    checked: dict[str, bool] = field(default_factory=dict)

    def new(self) -> str:
        if not self.encoded:
            self.encoded = make_password(DEMO_PASSWORD)
        return self.encoded

    def checks(self, encoded: str) -> bool:
        if encoded not in self.checked:
            self.checked[encoded] = check_password(DEMO_PASSWORD, encoded)
        return self.checked[encoded]


def _seed_user(
    *, hashes: _DemoPasswordHashes, email, full_name, job_title, role, lea, school, place
) -> DemoLogin:
    is_admin = role == Role.ADMIN
    user, created = upsert(
        User,
        lookup={"email": email},
        values={
            "full_name": full_name,
            "job_title": job_title,
            "role": role,
            "local_authority": lea,
            "school": school,
            "is_active": True,
            "is_staff": is_admin,
            "is_superuser": is_admin,
        },
        build=lambda **fields: UserFactory.build(
            password=Transformer.Force(hashes.new()), **fields
        ),
    )
    # An existing user keeps their password hash as long as the demo password checks against it.
    if not created and not hashes.checks(user.password):
        user.password = hashes.new()
        user.save(update_fields=["password"])
    return DemoLogin(email=email, role=Role(role).label, place=place, password=DEMO_PASSWORD)


def seed_api_token(email: str) -> str:
    """The REST API token of the demo user `email` (made once, kept after: seeding again changes
    nothing), for trying the API with `Authorization: Token <key>`."""
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=User.objects.get(email=email))
    return token.key
