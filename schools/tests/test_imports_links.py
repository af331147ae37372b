"""The GIAS links import (issue 7, item 2): links stored by URN, idempotent, and the
predecessors of a school found in either direction of the file, step by step."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role
from schools.factories import SchoolFactory
from schools.imports.services import import_from_command
from schools.models import ImportStatus, SchoolLink

from .data import LINKS_SAMPLE, write

pytestmark = pytest.mark.django_db

HEADER = '"URN","LinkURN","LinkName","LinkType","LinkEstablishedDate"\n'


def run(path, **kwargs):
    return import_from_command(
        kind="GIAS_LINKS", path=path, options={}, dry_run=False, import_good_rows=False, **kwargs
    )


def test_the_sample_file_is_stored_and_a_second_import_changes_nothing():
    record = run(LINKS_SAMPLE)

    assert record.status == ImportStatus.DONE
    assert (record.rows, record.created, record.error_count) == (300, 300, 0)
    link = SchoolLink.objects.get(urn=100006, linked_urn=134643)
    assert link.link_type == "Predecessor - merged"
    assert link.linked_name == "CCfL Key Stage 3 PRU"
    assert link.established_on.isoformat() == "2022-01-01"

    again = run(LINKS_SAMPLE)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 300)


def test_bad_rows_are_reported(tmp_path):
    path = write(
        tmp_path / "links.csv",
        HEADER + '1,2,"A","Successor","1-2-3x"\n' + '1,,"B","Successor","01-09-2020"\n',
    )

    record = run(path)

    assert record.errors == [
        {
            "line": 2,
            "column": "LinkEstablishedDate",
            "reason": "'1-2-3x' is not a date like 31-08-2021",
        },
        {"line": 3, "column": "LinkURN", "reason": "is empty"},
    ]
    assert not SchoolLink.objects.exists()


def test_predecessors_are_followed_in_both_directions_and_over_steps(tmp_path):
    oldest = SchoolFactory(urn=400001)
    middle = SchoolFactory(urn=400002)
    academy = SchoolFactory(urn=400003)
    unrelated = SchoolFactory(urn=400009)
    path = write(
        tmp_path / "links.csv",
        HEADER
        # the old school names its successor; the academy names its predecessor
        + '400001,400002,"Middle","Successor - amalgamated","01-09-2010"\n'
        + '400003,400002,"Middle","Predecessor","01-09-2015"\n'
        + '400002,400003,"Academy","Successor","01-09-2015"\n'
        + '400009,400010,"Gone","Predecessor","01-09-2015"\n',
    )
    run(path)

    predecessors = SchoolLink.objects.predecessor_school_ids([academy, middle, oldest, unrelated])

    assert predecessors == {
        academy.pk: {middle.pk, oldest.pk},
        middle.pk: {oldest.pk},
        oldest.pk: set(),
        unrelated.pk: set(),  # its predecessor is not in the register
    }


def test_the_command_imports_links(capsys):
    call_command("import_gias_links", str(LINKS_SAMPLE))

    assert "300 created" in capsys.readouterr().out


def test_only_admins_may_import_links(client_for, users, admin_user):
    url = reverse("schools:import_upload", args=["gias-links"])

    assert client_for(admin_user).get(url).status_code == 200
    assert client_for(users[Role.MANAGER]).get(url).status_code == 403
