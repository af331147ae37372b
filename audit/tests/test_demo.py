"""The audit's part of the demo: the seeded history gets its authors and the LEA a log of
readings, once."""

import pytest
from django.core.management import call_command

from accounts.models import Role
from conftest import make_user
from consultants.models import Visit
from leadership.models import Participation
from schools.models import PerformanceDataView

from .records import every_kind

pytestmark = pytest.mark.django_db


def test_the_demo_gives_the_history_its_authors_and_logs_readings_once(lea, school):
    domain = f"{lea.name.lower()}.example.org"
    manager = make_user(Role.MANAGER, lea=lea, email=f"manager@{domain}")
    head = make_user(Role.HEADTEACHER, school=school, email=f"head@{domain}")
    records = every_kind(school)
    pscl = records["allocation"].adviser.user

    call_command("seed_audit_demo", stdout=None)
    readings = list(PerformanceDataView.objects.values_list("pk", flat=True))
    call_command("seed_audit_demo", stdout=None)

    assert Participation.history.get().history_user == manager
    assert Visit.history.get().history_user == records["visit"].created_by == pscl
    assert readings and list(PerformanceDataView.objects.values_list("pk", flat=True)) == readings
    assert PerformanceDataView.objects.filter(user=head, school=school).exists()
    assert set(PerformanceDataView.objects.values_list("local_authority", flat=True)) == {lea.pk}
