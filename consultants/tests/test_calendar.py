"""The iCalendar writer (RFC 5545: escaping, folding, CRLF) and the PSCL's feed of planned
visits: its content, its secret address and issuing a new one."""

import datetime
import re

import pytest
from django.urls import reverse

from accounts.models import Role
from consultants.calendar import (
    AllDayEvent,
    calendar_text,
    escape_text,
    fold,
)
from consultants.factories import VisitFactory
from consultants.models import AllocationStatus, VisitStatus

from .test_visits_world import make_world

STAMP = datetime.datetime(2004, 10, 1, 9, 30, tzinfo=datetime.UTC)


# The writer ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("plain", "plain"),
        ("a, b; c", "a\\, b\\; c"),
        ("back\\slash", "back\\\\slash"),
        ("two\nlines", "two\\nlines"),
        ("windows\r\nline", "windows\\nline"),
        ("all\\,;\n", "all\\\\\\,\\;\\n"),
    ],
)
def test_text_is_escaped(value, escaped):
    assert escape_text(value) == escaped


def test_a_short_line_is_not_folded():
    line = "SUMMARY:" + "x" * 67
    assert len(line.encode()) == 75
    assert fold(line) == line


def test_a_long_line_folds_at_75_octets_with_a_leading_space():
    line = "DESCRIPTION:" + "abcdefghij" * 20
    folded = fold(line)
    physical = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in physical)
    assert len(physical[0].encode()) == 75
    assert all(part.startswith(" ") for part in physical[1:])
    # Unfolding (removing each CRLF and the space after it) gives the line back.
    assert folded.replace("\r\n ", "") == line


def test_folding_never_splits_a_character():
    line = "SUMMARY:" + "é" * 60 + "€" * 30
    folded = fold(line)
    for part in folded.split("\r\n"):
        assert len(part.encode("utf-8")) <= 75
        part.encode("utf-8").decode("utf-8")
    assert folded.replace("\r\n ", "") == line


def test_the_calendar_has_crlf_endings_and_an_all_day_event():
    event = AllDayEvent(
        uid="pscl-visit-7@plp-admin",
        on=datetime.date(2004, 11, 9),
        summary="PSCL visit: Millfield Primary School",
        stamp=STAMP,
        description="Review the plan; bring the data, please",
        location="Millfield Primary School, NM1 2AB",
    )
    body = calendar_text([event], name="PSCL visits: David Okoro")
    assert body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")
    lines = body.replace("\r\n ", "").split("\r\n")
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"]
    assert "PRODID:-//PLP Admin//PSCL visits//EN" in lines
    assert "UID:pscl-visit-7@plp-admin" in lines
    assert "DTSTART;VALUE=DATE:20041109" in lines
    assert "DTEND;VALUE=DATE:20041110" in lines
    assert "DTSTAMP:20041001T093000Z" in lines
    assert "DESCRIPTION:Review the plan\\; bring the data\\, please" in lines
    assert "LOCATION:Millfield Primary School\\, NM1 2AB" in lines
    assert lines.index("BEGIN:VEVENT") < lines.index("END:VEVENT")


def test_a_naive_stamp_is_refused():
    event = AllDayEvent(
        uid="x", on=datetime.date(2004, 11, 9), summary="x", stamp=STAMP.replace(tzinfo=None)
    )
    with pytest.raises(ValueError, match="aware"):
        calendar_text([event], name="x")


# The feed ------------------------------------------------------------------------------------


@pytest.fixture
def world(lea, school, sibling_school, users):
    return make_world(lea=lea, school=school, sibling_school=sibling_school, users=users)


def feed_url(adviser):
    return reverse("consultants:calendar_feed", args=[adviser.calendar_token])


@pytest.mark.django_db
def test_the_feed_lists_the_pscls_planned_visits_without_sign_in(world, client_for, school):
    school.postcode = "NM1 2AB"
    school.save()
    planned = VisitFactory(
        allocation=world.allocation,
        planned=True,
        visit_on=datetime.date(2004, 11, 9),
        purpose="Review the plan, with the deputy; bring KS1 data\nand the plan",
    )
    VisitFactory(allocation=world.allocation)  # submitted: not in the feed
    VisitFactory(allocation=world.allocation, planned=True, status=VisitStatus.CANCELLED)
    VisitFactory(allocation=world.other_allocation, planned=True, purpose="Another PSCL's visit")
    response = client_for(None).get(feed_url(world.pscl))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode("utf-8")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    unfolded = body.replace("\r\n ", "")
    assert unfolded.count("BEGIN:VEVENT") == 1
    assert f"UID:pscl-visit-{planned.pk}@plp-admin" in unfolded
    assert "SUMMARY:PSCL visit: Millfield Primary School" in unfolded
    assert (
        "DESCRIPTION:Review the plan\\, with the deputy\\; bring KS1 data\\nand the plan"
        in unfolded
    )
    assert "LOCATION:Millfield Primary School\\, NM1 2AB" in unfolded
    assert "DTSTART;VALUE=DATE:20041109" in unfolded
    assert re.search(r"DTSTAMP:\d{8}T\d{6}Z", unfolded)
    assert "Another PSCL" not in unfolded


@pytest.mark.django_db
def test_the_uid_stays_the_same_when_the_visit_changes(world, client_for):
    planned = VisitFactory(allocation=world.allocation, planned=True)
    client = client_for(None)
    before = client.get(feed_url(world.pscl)).content.decode()
    planned.visit_on = datetime.date(2004, 12, 1)
    planned.save()
    after = client.get(feed_url(world.pscl)).content.decode()
    uid = f"UID:pscl-visit-{planned.pk}@plp-admin"
    assert uid in before
    assert uid in after
    assert "DTSTART;VALUE=DATE:20041201" in after


@pytest.mark.django_db
def test_visits_of_an_ended_allocation_leave_the_feed(world, client_for):
    VisitFactory(allocation=world.allocation, planned=True)
    world.allocation.status = AllocationStatus.ENDED
    world.allocation.end_reason = "The PSCL moved away."
    world.allocation.save()
    body = client_for(None).get(feed_url(world.pscl)).content.decode()
    assert "BEGIN:VEVENT" not in body


@pytest.mark.django_db
def test_an_unknown_token_is_not_found(world, client_for):
    response = client_for(None).get(reverse("consultants:calendar_feed", args=["not-a-token"]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_pscl_sees_the_address_and_a_new_one_retires_the_old(world, client_for):
    client = client_for(world.pscl.user)
    old_token = world.pscl.calendar_token
    page = client.get(reverse("consultants:calendar"))
    assert page.status_code == 200
    assert f"http://testserver{feed_url(world.pscl)}" in page.content.decode()
    response = client.post(reverse("consultants:calendar_rotate"))
    assert response.status_code == 302
    world.pscl.refresh_from_db()
    assert world.pscl.calendar_token != old_token
    anonymous = client_for(None)
    assert anonymous.get(reverse("consultants:calendar_feed", args=[old_token])).status_code == 404
    assert anonymous.get(feed_url(world.pscl)).status_code == 200
    assert world.pscl.calendar_token in client.get(reverse("consultants:calendar")).content.decode()


@pytest.mark.django_db
def test_the_calendar_page_is_the_pscls(world, client_for):
    for role in (Role.MANAGER, Role.HEADTEACHER, Role.LINK_ADVISER):
        client = client_for(world.users[role])
        assert client.get(reverse("consultants:calendar")).status_code == 403
        assert client.post(reverse("consultants:calendar_rotate")).status_code == 403
    assert (
        client_for(world.pscl.user).get(reverse("consultants:calendar_rotate")).status_code == 405
    )


@pytest.mark.django_db
def test_a_link_advisers_token_opens_no_feed(world, client_for):
    response = client_for(None).get(feed_url(world.link_adviser))
    assert response.status_code == 404
