"""reverse_each: one reverse() for the links of every row of a list."""

import pytest
from django.urls import reverse

from accounts.reversing import reverse_each


def test_it_gives_what_reverse_gives_for_each_value():
    school_url = reverse_each("schools:detail")
    flag_url = reverse_each("leadership:selection_flag", 7)

    assert [school_url(urn) for urn in (100001, 1, 918)] == [
        reverse("schools:detail", args=[urn]) for urn in (100001, 1, 918)
    ]
    assert flag_url(123456) == reverse("leadership:selection_flag", args=[7, 123456])


def test_it_takes_only_whole_numbers():
    school_url = reverse_each("schools:detail")

    with pytest.raises(ValueError):
        school_url("1/../admin")
