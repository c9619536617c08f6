"""An API Idempotency-Key is claimed like a page's form (helpdesk.idempotency): after the window, the
key is free again and a new request with it runs."""

from __future__ import annotations

import pytest
from django.utils import timezone

from helpdesk.idempotency import IDEMPOTENCY_WINDOW
from helpdesk.models import IdempotencyRecord

pytestmark = pytest.mark.django_db


def test_an_api_key_reused_after_the_window_runs_the_new_request(world, setup_a, api):
    client = api(world.merchant_a1)
    first = {"subject": "First", "description": "x", "priority": "Normal"}
    assert client.post("/api/v1/cases/", first, format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 201
    IdempotencyRecord.objects.filter(key="k").update(created_at=timezone.now() - IDEMPOTENCY_WINDOW)
    second = {"subject": "Second", "description": "y", "priority": "Normal"}
    response = client.post("/api/v1/cases/", second, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 201 and response.json()["subject"] == "Second"
    assert "Idempotent-Replayed" not in response
