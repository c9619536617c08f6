"""The case page with its SLA explanation, and the confirm and reopen steps mail links to."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tickets.models import Status
from tickets.services import case_propose_resolution, comment_add
from tickets.tests.factories import MONDAY_9, open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolved(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    comment_add(
        case=case, actor=world.analyst_a, body="Internal: CDN purge", public=False, at=MONDAY_9 + timedelta(hours=1)
    )
    case_propose_resolution(
        case=case, actor=world.analyst_a, summary="Purged the CDN.", at=MONDAY_9 + timedelta(hours=2)
    )
    return case


def test_the_case_page_explains_the_deadlines(client, world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    client.force_login(world.merchant_a1)
    body = client.get(f"/cases/{case.number}/").content.decode()
    assert "Due <strong>Monday 23 November 2026, 13:00 AEDT</strong>" in body
    assert "Target 4 business hours on the “office” calendar, times in Australia/Sydney" in body
    assert "Opened Mon 09:00; 4 h on Mon = 4 business hours → Mon 13:00." in body
    assert "Opened Mon 09:00; 8 h on Mon + 8 h on Tue = 16 business hours → Tue 17:00." in body


def test_merchants_do_not_see_internal_notes_on_the_page(client, world, resolved):
    client.force_login(world.merchant_a1)
    body = client.get(f"/cases/{resolved.number}/").content.decode()
    assert "Purged the CDN." in body and "CDN purge" not in body
    client.force_login(world.analyst_a)
    assert "CDN purge" in client.get(f"/cases/{resolved.number}/").content.decode()


@pytest.mark.parametrize("actor", ["merchant_a2", "analyst_b", "merchant_b1"])
def test_other_accounts_and_tenants_get_a_plain_404(client, world, resolved, actor):
    client.force_login(getattr(world, actor))
    assert client.get(f"/cases/{resolved.number}/").status_code == 404
    for path in ("", "confirm/", "reopen/"):
        response = client.get(f"/cases/{resolved.number}/{path}")
        # Exactly what a case number nobody has answers (a page the role may not use is a 403 for
        # any case), so the answer says nothing about the case.
        missing = client.get(f"/cases/TA-9999/{path}")
        assert (response.status_code, path) == (missing.status_code, path)
        assert missing.status_code in (403, 404)
        assert resolved.subject not in response.content.decode()


def test_the_merchant_confirms_from_the_mail_link(client, world, resolved):
    client.force_login(world.merchant_a1)
    page = client.get(f"/cases/{resolved.number}/confirm/")
    assert "Yes, it is resolved" in page.content.decode()
    response = client.post(f"/cases/{resolved.number}/confirm/", follow=True)
    assert "is closed" in response.content.decode()
    resolved.refresh_from_db()
    assert resolved.status == Status.CLOSED
    again = client.post(f"/cases/{resolved.number}/confirm/")
    assert "cannot be confirmed as resolved" in again.content.decode()


def test_the_merchant_reopens_with_a_reason(client, world, resolved):
    client.force_login(world.merchant_a1)
    empty = client.post(f"/cases/{resolved.number}/reopen/", {"reason": "  "})
    assert "This field is required." in empty.content.decode()
    client.post(f"/cases/{resolved.number}/reopen/", {"reason": "Still slow at lunch."})
    resolved.refresh_from_db()
    assert resolved.status == Status.REOPENED


def test_staff_cannot_use_the_merchant_steps(client, world, resolved):
    client.force_login(world.analyst_a)
    assert client.post(f"/cases/{resolved.number}/confirm/").status_code == 403
