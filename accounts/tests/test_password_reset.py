"""Setting a forgotten (or first) password through an emailed one-time link: Django's password
reset views with GOV.UK pages."""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.factories import UserFactory
from accounts.models import Role

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "leading-Schools-2004"


def _link_in(message) -> str:
    return re.search(r"https?://\S+/accounts/reset/\S+/", message.body).group(0)


def test_the_sign_in_page_links_to_the_password_reset(client):
    html = client.get(reverse("accounts:login")).content.decode()

    assert f'href="{reverse("accounts:password_reset")}"' in html
    assert "Forgotten your password?" in html


def test_the_request_page_is_a_gov_uk_form(client):
    response = client.get(reverse("accounts:password_reset"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Set or reset your password - PLP Admin</title>" in html
    assert '<label for="id_email" class="govuk-label">' in html
    assert ">Send the link</button>" in html


def test_a_known_address_is_sent_one_link_and_an_unknown_one_none(client, users, mailoutbox):
    manager = users[Role.MANAGER]

    known = client.post(reverse("accounts:password_reset"), {"email": manager.email.upper()})
    unknown = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})

    # The same answer either way: the page does not tell whether an account exists.
    assert known["Location"] == unknown["Location"] == reverse("accounts:password_reset_done")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [manager.email]
    assert "/accounts/reset/" in mailoutbox[0].body


def test_an_account_with_no_password_yet_is_sent_a_link(client, lea, mailoutbox):
    user = UserFactory(role=Role.CONSULTANT, local_authority=lea, password=None)
    user.set_unusable_password()
    user.save()

    client.post(reverse("accounts:password_reset"), {"email": user.email})

    assert [message.to for message in mailoutbox] == [[user.email]]


def test_an_inactive_account_is_sent_nothing(client, lea, mailoutbox):
    user = UserFactory(role=Role.MANAGER, local_authority=lea, is_active=False)

    client.post(reverse("accounts:password_reset"), {"email": user.email})

    assert mailoutbox == []


def test_a_bad_email_address_is_refused_next_to_the_field(client, mailoutbox):
    response = client.post(reverse("accounts:password_reset"), {"email": "not-an-address"})

    assert response.status_code == 200
    assert "Enter an email address in the correct format" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    assert mailoutbox == []


def test_the_emailed_link_sets_the_password_once(client, users, mailoutbox):
    manager = users[Role.MANAGER]
    client.post(reverse("accounts:password_reset"), {"email": manager.email})
    link = _link_in(mailoutbox[0])

    form_page = client.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    again = client.get(link, follow=True)

    assert "Choose your password" in form_page.content.decode()
    assert done["Location"] == reverse("accounts:password_reset_complete")
    manager.refresh_from_db()
    assert manager.check_password(NEW_PASSWORD)
    assert "The link has expired" in again.content.decode()
    complete = client.get(reverse("accounts:password_reset_complete")).content.decode()
    assert "Your password is set" in complete


def test_passwords_that_differ_or_are_weak_are_refused(client, users):
    manager = users[Role.MANAGER]
    uid = urlsafe_base64_encode(force_bytes(manager.pk))
    token = default_token_generator.make_token(manager)
    set_url = client.get(
        reverse("accounts:password_reset_confirm", args=[uid, token]), follow=True
    ).redirect_chain[-1][0]

    differ = client.post(
        set_url, {"new_password1": NEW_PASSWORD, "new_password2": "other-one-2004"}
    )
    weak = client.post(set_url, {"new_password1": "12345678", "new_password2": "12345678"})

    assert differ.status_code == weak.status_code == 200
    assert "new_password2" in differ.context["form"].errors
    assert "new_password2" in weak.context["form"].errors
    assert "govuk-error-summary" in weak.content.decode()
    manager.refresh_from_db()
    assert not manager.check_password(NEW_PASSWORD)


def test_a_made_up_link_is_refused(client, users):
    uid = urlsafe_base64_encode(force_bytes(users[Role.MANAGER].pk))

    response = client.get(reverse("accounts:password_reset_confirm", args=[uid, "bad-token"]))

    assert "The link has expired" in response.content.decode()
    assert "Ask for a new link" in response.content.decode()
