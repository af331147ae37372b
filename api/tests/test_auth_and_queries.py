"""Authentication (tokens made in the admin, or the session with its CSRF check) and the number
of queries of each list, which must not grow with the rows of a page."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role
from api.tests.conftest import fill_programme_year
from conftest import make_user
from leadership.factories import ProgrammeYearFactory

pytestmark = pytest.mark.django_db

LISTS = (
    "lea",
    "school",
    "programme-year",
    "participation",
    "allocation",
    "visit",
    "plan-review",
    "report-run",
)


def test_a_token_made_for_a_user_signs_them_in(lea, school):
    manager = make_user(Role.MANAGER, lea=lea)
    token = Token.objects.create(user=manager)
    client = APIClient()

    signed = client.get(reverse("api:school-list"), HTTP_AUTHORIZATION=f"Token {token.key}")
    wrong = client.get(reverse("api:school-list"), HTTP_AUTHORIZATION="Token not-a-token")
    none = client.get(reverse("api:school-list"))

    assert signed.status_code == 200
    assert [row["urn"] for row in signed.json()["results"]] == [school.urn]
    assert (wrong.status_code, none.status_code) == (401, 401)
    assert none["WWW-Authenticate"] == "Token"


def test_the_token_of_a_deactivated_user_no_longer_works(lea):
    manager = make_user(Role.MANAGER, lea=lea)
    token = Token.objects.create(user=manager)
    manager.is_active = False
    manager.save()

    response = APIClient().get(reverse("api:lea-list"), HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 401


def test_a_session_write_needs_the_csrf_token(lea):
    manager = make_user(Role.MANAGER, lea=lea)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(manager, backend="django.contrib.auth.backends.ModelBackend")

    read = client.get(reverse("api:plan-review-list"))
    write = client.post(reverse("api:plan-review-list"), {"plan": 1}, format="json")

    assert read.status_code == 200
    assert write.status_code == 403
    assert "CSRF" in write.json()["detail"]


@pytest.mark.parametrize("endpoint", LISTS)
def test_each_list_takes_as_many_queries_for_many_rows_as_for_few(
    endpoint, lea, django_assert_max_num_queries
):
    manager = make_user(Role.MANAGER, lea=lea)
    client = APIClient()
    client.force_authenticate(manager)
    url = reverse(f"api:{endpoint}-list")

    year = ProgrammeYearFactory(local_authority=lea)

    fill_programme_year(year, 2)
    with django_assert_max_num_queries(6):
        few = client.get(url)
    fill_programme_year(year, 12)
    with django_assert_max_num_queries(6):
        many = client.get(url)

    assert few.status_code == many.status_code == 200
    # A strategy manager sees one LEA and, here, one programme year, however many schools.
    if endpoint not in ("lea", "programme-year"):
        assert many.json()["count"] == few.json()["count"] + 12
