"""The application's date: the real local date unless PLP_TODAY sets another."""

import datetime

from django.utils import timezone

from accounts import clock


def test_without_a_setting_today_is_the_real_local_date(settings):
    settings.PLP_TODAY = None

    assert clock.today() == timezone.localdate()


def test_the_setting_moves_today_into_the_demos_programme_year(settings):
    settings.PLP_TODAY = datetime.date(2004, 11, 26)

    assert clock.today() == datetime.date(2004, 11, 26)
