"""The page layout every screen shares (templates/base.html) and the error pages."""

import re
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.views import defaults

from accounts.models import Role

pytestmark = pytest.mark.django_db

HOME = "/"


def test_layout_is_unbranded_gov_uk_with_the_service_name_and_licence(client_for, users):
    html = client_for(users[Role.MANAGER]).get(HOME).content.decode()

    assert '<html lang="en-GB" class="govuk-template">' in html
    assert "<title>Home - PLP Admin</title>" in html
    assert '<a href="#main-content" class="govuk-skip-link"' in html
    assert '<a href="/" class="govuk-service-navigation__link">PLP Admin</a>' in html
    assert '<main class="govuk-main-wrapper" id="main-content">' in html
    assert "Contains public sector information licensed under the" in html
    assert "Open Government Licence v3.0</a>" in html
    assert "govuk-header__logotype" not in html
    assert "crown" not in html.lower()
    assert "GOV.UK" not in html


NAVIGATION = {
    Role.ADMIN: [
        "Home",
        "Dashboard",
        "Schools",
        "Programme",
        "Concerns",
        "PSCLs",
        "Funding",
        "Reports",
        "Watchlist",
        "Good practice",
    ],
    Role.MANAGER: [
        "Home",
        "Dashboard",
        "Schools",
        "Programme",
        "Concerns",
        "PSCLs",
        "Funding",
        "Reports",
        "Watchlist",
        "Good practice",
    ],
    Role.LINK_ADVISER: [
        "Home",
        "Schools",
        "Programme",
        "Concerns",
        "Visit notes",
        "Advisers",
        "Reports",
        "Watchlist",
        "Good practice",
    ],
    Role.CONSULTANT: [
        "Home",
        "My schools",
        "Schools",
        "Programme",
        "Reports",
        "Watchlist",
        "Good practice",
    ],
    Role.HEADTEACHER: ["Home", "Our school", "Reports", "Good practice"],
    Role.GOVERNOR: ["Home", "Our school", "Reports", "Good practice"],
}


def _navigation_labels(html):
    labels = re.findall(
        r'class="govuk-service-navigation__item[^"]*">\s*<a[^>]*>\s*(.*?)\s*</a>', html, re.S
    )
    return [re.sub(r"<[^>]+>", "", label) for label in labels]


@pytest.mark.parametrize("role", list(NAVIGATION))
def test_navigation_is_the_roles(role, client_for, users):
    html = client_for(users[role]).get(HOME).content.decode()

    labels = _navigation_labels(html)
    if role == Role.ADMIN:
        assert labels.pop() == "Django admin"
    assert labels == NAVIGATION[role]


def test_navigation_marks_the_current_page(client_for, users):
    html = client_for(users[Role.MANAGER]).get(HOME).content.decode()

    assert 'href="/" aria-current="page"' in html
    assert 'href="/schools/" aria-current' not in html


def test_a_page_below_reports_marks_only_the_most_specific_item(client_for, users):
    html = client_for(users[Role.MANAGER]).get("/reports/batches/").content.decode()

    assert 'href="/reports/" aria-current="true"' in html
    assert 'href="/reports/dashboard/" aria-current' not in html
    assert html.count("govuk-service-navigation__item--active") == 1


def test_school_people_get_their_own_school_in_the_navigation(client_for, users, school):
    html = client_for(users[Role.GOVERNOR]).get(HOME).content.decode()

    assert f'href="/schools/{school.urn}/"' in html
    assert re.search(rf'href="/schools/{school.urn}/">\s*Our school\s*</a>', html)
    assert 'href="/schools/"' not in html


def test_admin_navigation_links_to_django_admin(client_for, users):
    html = client_for(users[Role.ADMIN]).get(HOME).content.decode()

    assert 'class="govuk-service-navigation__link" href="/admin/"' in html


def test_the_signed_in_user_sees_their_name_and_role_and_a_sign_out_button(client_for, users):
    head = users[Role.HEADTEACHER]

    html = client_for(head).get(HOME).content.decode()

    assert f'<span class="app-account__name">{head.full_name}</span>, Headteacher' in html
    sign_out = re.search(r'<form method="post" action="/accounts/logout/".*?</form>', html, re.S)
    assert sign_out is not None
    assert 'name="csrfmiddlewaretoken"' in sign_out.group()
    assert '<button type="submit" class="app-link-button">Sign out</button>' in sign_out.group()


def test_pages_load_their_scripts_from_files_in_a_safe_order(client_for, users):
    html = client_for(users[Role.MANAGER]).get(HOME).content.decode()

    body = html[html.index("<body") :]
    first_tag_in_body = re.search(r"<body[^>]*>\s*(<[^>]+>)", body).group(1)
    assert first_tag_in_body == '<script src="/static/js/body-class.js">'
    assert '<script src="/static/htmx/htmx.min.js" defer></script>' in html
    assert '<script type="module" src="/static/js/app.js"></script>' in html
    assert '<link rel="stylesheet" href="/static/dist/app.css">' in html
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false}'>""" in html


def test_every_static_file_the_layout_names_exists(client_for, users):
    """Needs `npm ci` and `npm run build` (the Makefile runs both)."""
    html = client_for(users[Role.MANAGER]).get(HOME).content.decode()

    paths = re.findall(r'(?:src|href)="/static/([^"]+)"', html)
    assert len(paths) == 5
    assert [path for path in paths if finders.find(path) is None] == []
    assert finders.find("govuk/govuk-frontend.min.js") is not None


def test_messages_are_shown_as_notification_banners(client_for, users):
    client = client_for(users[Role.MANAGER])

    response = client.post("/accounts/logout/", follow=True)

    html = response.content.decode()
    assert (
        'class="govuk-notification-banner govuk-notification-banner--success" role="alert"' in html
    )
    assert '<p class="govuk-notification-banner__heading">You have signed out.</p>' in html


def test_an_unknown_address_gets_the_page_not_found_page(client_for, users):
    response = client_for(users[Role.MANAGER]).get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "<title>Page not found - PLP Admin</title>" in html
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in html
    assert "Sign out</button>" in html


def test_a_refused_request_gets_the_permission_page(users):
    request = RequestFactory().get("/somewhere/")
    request.user = users[Role.GOVERNOR]

    response = defaults.permission_denied(request, PermissionDenied())

    assert response.status_code == 403
    assert "You do not have permission to view this page" in response.content.decode()


def test_the_server_error_page_needs_no_request_and_no_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = defaults.server_error(RequestFactory().get("/"))
        html = render_to_string("500.html")

    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
    assert "Sorry, there is a problem with the service" in html
    assert "Sign out" not in html
    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", html) == []


def test_the_locked_out_page_says_when_to_try_again(rf):
    request = rf.get("/accounts/login/")
    html = render_to_string(
        "accounts/locked_out.html",
        {"failure_limit": 5, "cooloff_timedelta": timedelta(minutes=15)},
        request=request,
    )

    assert "There have been 5 unsuccessful attempts" in html
    assert "You can try again in 15 minutes." in html


def test_favicon_requests_are_sent_to_the_sites_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"].endswith("/static/images/favicon.svg")


def test_navigation_is_worked_out_once_a_request_for_its_user(rf, users):
    from accounts.context_processors import navigation

    request = rf.get("/schools/")
    request.user = users[Role.MANAGER]
    first = navigation(request)
    again = navigation(request)
    request.user = users[Role.GOVERNOR]
    other = navigation(request)

    assert again is first
    assert [item["label"] for item in first["nav_items"]] != [
        item["label"] for item in other["nav_items"]
    ]
    assert [item["url"] for item in first["nav_items"] if item["current"]] == ["/schools/"]
