"""The Django admin's part of the matrix (config/access_policy.py ADMIN_RULE): for every model
registered in the admin, its list, its add page and the change page of one row answer the admin
(signed in with the second factor) 200, and send every other role, and anonymous visitors, to
the admin's sign-in. The world is tests/access/world.py's, so most models have a row."""

import contextlib

import pytest
from django.contrib import admin
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from tests.access.world import ACTOR_ROLES, build_world
from tests.worlds import rolled_back, signed_in_client


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with rolled_back(django_db_blocker):
        built = build_world()
        built.clients = {name: signed_in_client(built.users.get(name)) for name in ACTOR_ROLES}
        yield built


def _admin_urls(model):
    info = (model._meta.app_label, model._meta.model_name)
    urls = [reverse("admin:{}_{}_changelist".format(*info))]
    with contextlib.suppress(NoReverseMatch):
        urls.append(reverse("admin:{}_{}_add".format(*info)))
    row = model._default_manager.order_by("pk").first()
    if row is not None:
        urls.append(reverse("admin:{}_{}_change".format(*info), args=[row.pk]))
    return urls


MODELS = sorted(admin.site._registry, key=lambda m: (m._meta.app_label, m._meta.model_name))


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=lambda m: f"{m._meta.app_label}.{m._meta.model_name}")
def test_only_the_admin_opens_the_django_admin(world, model):
    wrong = []
    for url in _admin_urls(model):
        for actor, client in world.clients.items():
            try:
                with transaction.atomic():
                    response = client.get(url)
                    transaction.set_rollback(True)
            except Exception as error:
                wrong.append(f"{actor}: {url} raised {type(error).__name__}: {error}")
                continue
            location = response.get("Location", "")
            if actor == "admin":
                # An add page the admin forbids (has_add_permission False) is 403 for everyone.
                if response.status_code not in (200, 403):
                    wrong.append(f"admin: {url} answered {response.status_code} {location}")
            elif response.status_code != 302 or "login" not in location:
                wrong.append(f"{actor}: {url} answered {response.status_code} {location}")

    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
def test_only_the_admin_gets_answers_from_the_admin_autocomplete(world):
    """The admin's autocomplete (the one search-as-you-type endpoint) is the admin's too."""
    url = (
        reverse("admin:autocomplete")
        + "?app_label=accounts&model_name=user&field_name=school&term=Southvale"
    )
    answers = {actor: client.get(url) for actor, client in world.clients.items()}

    assert answers.pop("admin").status_code == 200
    for actor, response in answers.items():
        assert response.status_code == 302, actor
        assert "login" in response["Location"], actor
