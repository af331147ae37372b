import pytest
from django.utils.html import format_html

from accounts.models import Role
from schools import panels

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered_section(monkeypatch):
    monkeypatch.setattr(panels, "_sections", [])

    def section(request, school):
        if school.number_on_roll and school.number_on_roll > 200:
            return None
        return format_html('<p class="planted">Section for {} by {}</p>', school.name, request.user)

    panels.register_school_section(section)
    panels.register_school_section(section)
    return section


def test_registered_sections_show_on_the_school_page_once(
    registered_section, users, school, client_for
):
    response = client_for(users[Role.MANAGER]).get(f"/schools/{school.urn}/")

    assert response.content.decode().count('class="planted"') == 1


def test_a_section_may_show_nothing(registered_section, users, sibling_school, client_for):
    response = client_for(users[Role.MANAGER]).get(f"/schools/{sibling_school.urn}/")

    assert response.status_code == 200
    assert 'class="planted"' not in response.content.decode()
