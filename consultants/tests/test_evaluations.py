"""The school's termly evaluation of its PSCL's support: the service (one rating per term per
allocation, changed in place), the headteacher's page, who may use it, and the "Our PSCL" panel
that leads to it from the headteacher's home page."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from consultants.factories import (
    AdviserFactory,
    AllocationFactory,
    PreVisitNoteFactory,
    SupportEvaluationFactory,
    VisitFactory,
)
from consultants.models import AllocationStatus, SupportEvaluation, Term
from consultants.selectors.pages import term_of
from consultants.services.pages import support_evaluation_write
from leadership.factories import ParticipationFactory, ProgrammeYearFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def url(allocation):
    return reverse("consultants:evaluate_support", args=[allocation.pk])


@pytest.fixture
def year(lea):
    """The LEA's programme year under way today, so that the home page finds it."""
    today = timezone.localdate()
    return ProgrammeYearFactory(
        local_authority=lea,
        name="This year",
        starts_on=today - 100 * DAY,
        ends_on=today + 200 * DAY,
    )


@pytest.fixture
def pscl(lea, users):
    return AdviserFactory(
        local_authority=lea,
        user=users[Role.CONSULTANT],
        full_name="David Hale",
        email="david.hale@example.org",
    )


@pytest.fixture
def allocation(school, year, pscl):
    return AllocationFactory(
        adviser=pscl,
        participation=ParticipationFactory(programme_year=year, school=school),
        planned_days=Decimal("4.0"),
    )


@pytest.fixture
def sibling_allocation(sibling_school, year, pscl):
    return AllocationFactory(
        adviser=pscl, participation=ParticipationFactory(programme_year=year, school=sibling_school)
    )


# The service.


def test_rating_a_term_saves_one_evaluation_and_rating_it_again_changes_it(allocation, users):
    head = users[Role.HEADTEACHER]

    first, created = support_evaluation_write(
        allocation=allocation, term=Term.AUTUMN, rating=3, comments="  Useful.  ", by=head
    )
    second, created_again = support_evaluation_write(
        allocation=allocation, term=Term.AUTUMN, rating=5, comments="Much better.", by=head
    )

    assert created and not created_again
    assert first.pk == second.pk
    saved = SupportEvaluation.objects.get()
    assert (saved.term, saved.rating, saved.comments, saved.written_by) == (
        Term.AUTUMN,
        5,
        "Much better.",
        head,
    )
    assert saved.history.count() == 2


def test_each_term_has_its_own_rating(allocation, users):
    for term, rating in ((Term.AUTUMN, 2), (Term.SPRING, 4)):
        support_evaluation_write(
            allocation=allocation, term=term, rating=rating, comments="", by=users[Role.HEADTEACHER]
        )

    assert dict(SupportEvaluation.objects.values_list("term", "rating")) == {
        Term.AUTUMN: 2,
        Term.SPRING: 4,
    }


@pytest.mark.parametrize(("term", "rating"), [(Term.AUTUMN, 0), (Term.AUTUMN, 6), ("WINTER", 3)])
def test_a_rating_outside_1_to_5_or_an_unknown_term_is_refused(allocation, users, term, rating):
    with pytest.raises(ValidationError):
        support_evaluation_write(
            allocation=allocation, term=term, rating=rating, comments="", by=users[Role.HEADTEACHER]
        )

    assert not SupportEvaluation.objects.exists()


@pytest.mark.parametrize(
    ("day", "term"),
    [
        (datetime.date(2004, 9, 1), Term.AUTUMN),
        (datetime.date(2004, 12, 20), Term.AUTUMN),
        (datetime.date(2005, 1, 4), Term.SPRING),
        (datetime.date(2005, 3, 31), Term.SPRING),
        (datetime.date(2005, 4, 18), Term.SUMMER),
        (datetime.date(2005, 8, 10), Term.SUMMER),
    ],
)
def test_the_term_of_a_date(day, term):
    assert term_of(day) == term


# The page.


def test_the_headteacher_rates_a_term_with_radios_and_comments(client_for, users, allocation):
    client = client_for(users[Role.HEADTEACHER])

    page = client.get(url(allocation))
    response = client.post(
        url(allocation), {"term": Term.SPRING, "rating": "4", "comments": "Sharper plan."}
    )

    assert page.status_code == 200
    html = page.content.decode()
    assert "Rate David Hale's support" in html
    for label in ("1 Poor", "2 Weak", "3 Satisfactory", "4 Good", "5 Excellent"):
        assert label in html
    assert len(re.findall(r'type="radio"\s+name="rating"', html)) == 5
    assert len(re.findall(r'type="radio"\s+name="term"', html)) == 3
    assert response.status_code == 302
    assert response["Location"] == url(allocation)
    evaluation = SupportEvaluation.objects.get()
    assert (evaluation.allocation, evaluation.term, evaluation.rating) == (
        allocation,
        Term.SPRING,
        4,
    )
    assert evaluation.comments == "Sharper plan."
    assert evaluation.written_by == users[Role.HEADTEACHER]
    after = client.get(url(allocation)).content.decode()
    assert "Your rating for the spring term is saved." in after
    assert "Your ratings so far" in after
    assert "Spring term (rated: you can change it)" in after


def test_the_headteacher_changes_a_rated_term(client_for, users, allocation):
    SupportEvaluationFactory(allocation=allocation, term=Term.AUTUMN, rating=2, comments="Slow.")
    client = client_for(users[Role.HEADTEACHER])

    page = client.get(url(allocation), {"term": Term.AUTUMN})
    client.post(url(allocation), {"term": Term.AUTUMN, "rating": "3", "comments": "Better now."})

    form = page.context["form"]
    assert form.initial == {"term": Term.AUTUMN, "rating": 2, "comments": "Slow."}
    assert f'href="?term={Term.AUTUMN}"' in page.content.decode()
    evaluation = SupportEvaluation.objects.get()
    assert (evaluation.rating, evaluation.comments) == (3, "Better now.")


def test_the_form_starts_at_todays_term(client_for, users, allocation):
    response = client_for(users[Role.HEADTEACHER]).get(url(allocation))

    assert response.context["form"].initial == {"term": term_of(timezone.localdate())}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"term": Term.AUTUMN, "comments": "x"}, "rating", "Choose a rating from 1 poor to 5"),
        ({"term": Term.AUTUMN, "rating": "9"}, "rating", "Choose a rating from 1 poor to 5"),
        ({"rating": "3"}, "term", "Choose the term you are rating"),
        ({"term": "WINTER", "rating": "3"}, "term", "Choose a term from the list"),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(
    client_for, users, allocation, data, field, message
):
    response = client_for(users[Role.HEADTEACHER]).post(url(allocation), data)

    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html
    assert f'<span id="id_{field}_1_error" class="govuk-error-message">' in html
    assert "<title>Error: " in html
    assert not SupportEvaluation.objects.exists()


def test_another_schools_allocation_is_not_found(client_for, users, sibling_allocation):
    client = client_for(users[Role.HEADTEACHER])

    assert client.get(url(sibling_allocation)).status_code == 404
    assert (
        client.post(url(sibling_allocation), {"term": Term.AUTUMN, "rating": "1"}).status_code
        == 404
    )
    assert not SupportEvaluation.objects.exists()


def test_another_leas_headteacher_does_not_find_it(client_for, foreign_users, allocation):
    response = client_for(foreign_users[Role.HEADTEACHER]).get(url(allocation))

    assert response.status_code == 404


@pytest.mark.parametrize(
    "role", [Role.ADMIN, Role.MANAGER, Role.LINK_ADVISER, Role.CONSULTANT, Role.GOVERNOR]
)
def test_only_the_schools_headteacher_rates_the_support(client_for, users, allocation, role):
    client = client_for(users[role])

    assert client.get(url(allocation)).status_code == 403
    assert client.post(url(allocation), {"term": Term.AUTUMN, "rating": "5"}).status_code == 403
    assert not SupportEvaluation.objects.exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(client_for, allocation):
    response = client_for(None).get(url(allocation))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# The headteacher's home page.


def test_the_headteachers_home_shows_our_pscl_with_days_next_visit_and_links(
    client_for, users, allocation, sibling_allocation
):
    today = timezone.localdate()
    VisitFactory(allocation=allocation, visit_on=today - 5 * DAY)
    upcoming = VisitFactory(
        allocation=allocation, planned=True, visit_on=today + 3 * DAY, purpose="Writing review"
    )
    VisitFactory(
        allocation=sibling_allocation, planned=True, visit_on=today + DAY, purpose="Not ours"
    )

    response = client_for(users[Role.HEADTEACHER]).get("/")

    panel = response.context["figures"].our_pscl
    assert panel.allocation == allocation
    assert panel.next_visit == upcoming
    assert not panel.next_visit.has_pre_visit_note
    html = response.content.decode()
    assert "Our PSCL" in html
    assert "David Hale" in html
    assert "0.50 used of 4.0, 3.50 left" in html
    assert "Writing review" in html
    assert "Not ours" not in html
    assert f'href="{url(allocation)}"' in html
    assert (
        f'href="{reverse("consultants:school_visits", args=[allocation.participation.school.urn])}"'
        in html
    )
    assert f'href="{reverse("consultants:pre_visit_note", args=[upcoming.pk])}"' in html
    assert "Write your pre-visit note" in html


def test_the_panel_says_when_the_pre_visit_note_is_in(client_for, users, allocation):
    visit = VisitFactory(allocation=allocation, planned=True, visit_on=timezone.localdate() + DAY)
    PreVisitNoteFactory(visit=visit)

    html = client_for(users[Role.HEADTEACHER]).get("/").content.decode()

    assert "Your pre-visit note is in." in html


def test_no_panel_without_a_current_pscl_or_for_a_governor(client_for, users, allocation):
    governor = client_for(users[Role.GOVERNOR]).get("/")
    allocation.status = AllocationStatus.ENDED
    allocation.end_reason = "Moved away."
    allocation.save()
    head = client_for(users[Role.HEADTEACHER]).get("/")

    assert governor.context["figures"].our_pscl is None
    assert "Our PSCL" not in governor.content.decode()
    assert head.context["figures"].our_pscl is None
    assert "Our PSCL" not in head.content.decode()
