"""The health check: what a load balancer asks, and the page benchmark's floor."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_the_health_check_answers_ok_to_anyone_without_reading_the_database(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get(reverse("health"))

    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain; charset=utf-8"


@pytest.mark.django_db
def test_the_health_check_takes_no_posts(client):
    assert client.post(reverse("health")).status_code == 405
