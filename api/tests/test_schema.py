"""The OpenAPI schema and its docs: the schema validates with no warning, the docs pages run
under the site's CSP (no inline script or style, assets from the site itself), and
schemathesis finds no server error and no response that breaks the schema."""

import re

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token

from accounts.models import Role
from api.tests.conftest import fill_programme_year
from config.wsgi import application
from conftest import make_user
from leadership.factories import ProgrammeYearFactory

#: A <script> element with a body (an inline script), or any <style> element.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style", re.IGNORECASE)
#: The address of every script, stylesheet and icon a page loads.
ASSET = re.compile(r'<(?:script|link)[^>]*\b(?:src|href)="([^"]+)"', re.IGNORECASE)


def test_the_schema_validates_with_no_warning(tmp_path):
    out = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))

    schema = out.read_text()
    for path in ("/api/visits/", "/api/plan-reviews/", "/api/schools/{urn}/", "/api/report-runs/"):
        assert f"{path}:" in schema


@pytest.mark.django_db
def test_the_schema_is_served_at_api_schema(client):
    response = client.get("/api/schema/")

    assert response.status_code == 200
    assert b"openapi: 3" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["api:docs", "api:redoc"])
def test_the_docs_pages_have_no_inline_script_and_load_only_local_assets(name, client):
    response = client.get(reverse(name))

    html = response.content.decode()
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert INLINE_SCRIPT.search(html) is None
    assert STYLE_ELEMENT.search(html) is None
    assets = ASSET.findall(html)
    assert assets
    assert all(url.startswith("/") and not url.startswith("//") for url in assets), assets
    for url in assets:
        asset = client.get(url.replace("&amp;", "&"))
        assert asset.status_code == 200, url
        asset.close()


@pytest.mark.django_db
def test_swagger_uis_start_up_script_is_served_from_the_site(client):
    page = client.get(reverse("api:docs")).content.decode()
    script_url = next(url for url in ASSET.findall(page) if "script=" in url).replace("&amp;", "&")

    script = client.get(script_url)

    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


#: The schema as the app serves it (read through WSGI, with no database).
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def _connection_kept_open():
    """The WSGI app runs in the test's thread, on its connection, and reads the test's rows
    (uncommitted): its requests must not close that connection, as Django's test client also
    makes sure."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def manager_token(lea, _connection_kept_open):
    """A strategy manager's token, with a few schools of their LEA taking part."""
    manager = make_user(Role.MANAGER, lea=lea)
    fill_programme_year(ProgrammeYearFactory(local_authority=lea), 3)
    return Token.objects.create(user=manager).key


#: Every read operation of the schema, a test each. (schemathesis's own `parametrize()` gives
#: them all the same test id, and pytest-xdist, which `make test` runs, then ran only one.)
READ_OPERATIONS = [result.ok() for result in schema.include(method="GET").get_all_operations()]


def test_every_read_operation_is_tested():
    labels = [operation.label for operation in READ_OPERATIONS]
    assert len(labels) == len(set(labels)) >= 16
    assert {"GET /api/schools/", "GET /api/schools/{urn}/", "GET /api/visits/"} <= set(labels)


@pytest.mark.django_db
@pytest.mark.parametrize("operation", READ_OPERATIONS, ids=lambda operation: operation.label)
def test_every_read_endpoint_keeps_to_the_schema(operation, manager_token):
    @given(case=operation.as_strategy())
    @settings(
        max_examples=10,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    def check(case):
        case.call_and_validate(
            headers={"Authorization": f"Token {manager_token}"},
            checks=[
                schemathesis.checks.not_a_server_error,
                schemathesis.checks.response_schema_conformance,
            ],
        )

    check()
