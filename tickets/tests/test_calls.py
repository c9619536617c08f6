"""Phone calls logged on an existing case: who, when, how long, public or staff-only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from helpdesk.services import api_key_create
from tickets.models import CaseEvent, Channel, Comment
from tickets.tests.factories import open_case

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    _, raw = api_key_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def call(**overrides):
    called = (timezone.now() - timedelta(minutes=30)).isoformat()
    body = {"direction": "outbound", "contact": "Hannah", "called_at": called, "duration_minutes": 12}
    return {**body, "summary": "Walked through the refund settings.", **overrides}


def test_a_public_call_is_on_the_case_for_the_merchant_and_a_staff_only_one_is_not(client, world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    staff = api(world.analyst_a)
    assert staff.post(f"/api/v1/cases/{case.number}/calls/", call(), format="json").status_code == 200
    secret = call(direction="inbound", summary="She sounded furious.", public=False)
    assert staff.post(f"/api/v1/cases/{case.number}/calls/", secret, format="json").status_code == 200
    public, private = Comment.objects.filter(case=case).order_by("pk")
    assert public.channel == Channel.PHONE and public.is_public and not private.is_public
    assert public.body == "Outbound call to Hannah (12 min):\nWalked through the refund settings."
    client.force_login(world.merchant_a1)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "Walked through the refund settings." in page and "Phone call to Hannah" in page
    assert "furious" not in page and "Phone call from Hannah" not in page
    client.force_login(world.analyst_a)
    assert "Phone call from Hannah" in client.get(f"/cases/{case.number}/").content.decode()
    assert CaseEvent.objects.filter(case=case, code="case.call_logged").count() == 2


def test_the_case_page_form_logs_a_call(client, world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    client.force_login(world.analyst_a)
    when = timezone.localtime(timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    form = {"version": case.version, "direction": "inbound", "contact": "Hannah", "called_at": when}
    answer = client.post(
        f"/cases/{case.number}/do/log-call/",
        {**form, "duration_minutes": 5, "summary": "Asked for news", "internal": "on"},
    )
    assert answer.status_code == 302
    assert Comment.objects.get(case=case).is_public is False


def test_bad_calls_are_refused_at_their_fields_and_merchants_cannot_log_calls(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    staff = api(world.analyst_a)
    future = (timezone.now() + timedelta(hours=2)).isoformat()
    answer = staff.post(f"/api/v1/cases/{case.number}/calls/", call(called_at=future), format="json")
    assert answer.status_code == 400 and answer.json()["errors"] == {"called_at": ["In the future."]}
    answer = staff.post(f"/api/v1/cases/{case.number}/calls/", call(duration_minutes=-1), format="json")
    assert answer.status_code == 400 and "duration_minutes" in answer.json()["errors"]
    merchant = api(world.merchant_a1).post(f"/api/v1/cases/{case.number}/calls/", call(), format="json")
    assert merchant.status_code == 403
    assert not Comment.objects.exists()
