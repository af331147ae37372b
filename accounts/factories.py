"""factory-boy factories for accounts, shared by the tests and `seed_demo`."""

import factory
from factory.django import DjangoModelFactory

from .models import Role, User

DEMO_PASSWORD = "plp-demo-2026"  # noqa: S105 (demo data only; seed_demo refuses production)


class UserFactory(DjangoModelFactory):
    """A user; pass `local_authority` for LEA roles or `school` for school roles."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    role = Role.MANAGER
    password = factory.django.Password(DEMO_PASSWORD)
    is_active = True

    class Params:
        admin = factory.Trait(role=Role.ADMIN, is_staff=True, is_superuser=True)
