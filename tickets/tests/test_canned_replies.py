"""Saved replies: placeholders filled for the case (hostile text stays text), offered on the case
page to staff, kept by managers and admins, and never across tenants."""

from __future__ import annotations

import pytest

from helpdesk.errors import PermissionDenied, ValidationFailed
from tickets.canned import fill
from tickets.models import CannedReply
from tickets.services import canned_reply_save
from tickets.tests.factories import open_case

pytestmark = pytest.mark.django_db

BODY = (
    "Hi {merchant_name}, about {case_number} ({case_subject}): we answer by {next_deadline}. "
    "Call {support_numbers}. {unknown}"
)


def test_placeholders_are_filled_in_the_merchants_zone(world, setup_a):
    world.tenant_a.support_phone_numbers = ["1-800-HELP", "+61 2 5550 0000"]
    world.tenant_a.save(update_fields=["support_phone_numbers"])
    merchant = world.merchant_a1
    merchant.time_zone = "America/Los_Angeles"
    merchant.save(update_fields=["time_zone"])
    case = open_case(world.account_a1, setup_a.normal, subject="Refunds fail")  # response due Mon 13:00 Sydney
    assert fill(BODY, case=case) == (
        f"Hi {merchant.get_full_name()}, about {case.number} (Refunds fail): we answer by "
        "Sunday 22 November 2026, 18:00 PST. Call 1-800-HELP or +61 2 5550 0000. {unknown}"
    )


def test_a_value_with_braces_or_markup_is_filled_in_once_and_stays_text(client, world, setup_a):
    merchant = world.merchant_a1
    merchant.full_name = '<img src=x onerror="alert(1)"> {case_number}'
    merchant.save(update_fields=["full_name"])
    case = open_case(world.account_a1, setup_a.normal)
    assert fill("Hi {merchant_name}", case=case) == 'Hi <img src=x onerror="alert(1)"> {case_number}'
    canned_reply_save(actor=world.manager_a, title="Hello", body="Hi {merchant_name}")
    client.force_login(world.analyst_a)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert 'data-body="Hi &lt;img src=x onerror=&quot;alert(1)&quot;&gt; {case_number}"' in page
    assert '<img src=x onerror="alert(1)">' not in page


def test_the_case_page_offers_replies_to_staff_with_what_they_do(client, world, setup_a):
    canned_reply_save(
        actor=world.manager_a, title="Need logs", body="Please send logs.", follow_up="waiting_on_customer"
    )
    case = open_case(world.account_a1, setup_a.normal)
    client.force_login(world.analyst_a)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert 'data-follow-up="waiting_on_customer"' in page and "Need logs" in page
    assert "js/canned.js" in page
    client.force_login(world.merchant_a1)
    assert "Need logs" not in client.get(f"/cases/{case.number}/").content.decode()


def test_managers_keep_the_list_and_titles_are_unique(client, world):
    client.force_login(world.manager_a)
    form = {"title": "Thanks", "body": "Thanks, {merchant_name}!", "follow_up": ""}
    assert client.post("/settings/canned-replies/", form).status_code == 302
    again = client.post("/settings/canned-replies/", form)
    assert again.status_code == 400 and "Already in use." in again.content.decode()
    reply = CannedReply.objects.get()
    changed = client.post(f"/settings/canned-replies/{reply.pk}/", {**form, "follow_up": "propose_resolution"})
    assert changed.status_code == 302
    reply.refresh_from_db()
    assert (reply.follow_up, reply.updated_by) == ("propose_resolution", world.manager_a)
    assert client.post(f"/settings/canned-replies/{reply.pk}/remove/").status_code == 302
    assert not CannedReply.objects.exists()


def test_analysts_cannot_keep_the_list_and_other_tenants_replies_are_not_found(client, world):
    with pytest.raises(PermissionDenied):
        canned_reply_save(actor=world.analyst_a, title="Mine", body="x")
    theirs = canned_reply_save(actor=world.manager_b, title="Theirs", body="x")
    client.force_login(world.analyst_a)
    assert client.get("/settings/canned-replies/").status_code == 403
    client.force_login(world.manager_a)
    assert client.get(f"/settings/canned-replies/{theirs.pk}/").status_code == 404
    assert client.post(f"/settings/canned-replies/{theirs.pk}/remove/").status_code == 404
    assert "Theirs" not in client.get("/settings/canned-replies/").content.decode()
    with pytest.raises(ValidationFailed):
        canned_reply_save(actor=world.manager_a, title=" ", body="x")
