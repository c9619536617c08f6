"""The public support-policy page, generated from the tenant's live configuration, readable
without signing in."""

from __future__ import annotations

from datetime import date

import pytest

from helpdesk.models import Tenant
from sla.presets import MAGENTO_OMS, STORECONNECT
from tickets.models import Priority
from tickets.public_policy import hours_in_words, phones_of, support_policy, target_words
from tickets.services import preset_apply

pytestmark = pytest.mark.django_db


def _tenant(preset) -> Tenant:
    tenant = Tenant.objects.create(
        slug=preset.slug,
        name=preset.name,
        time_zone=preset.time_zone,
        support_phone_numbers=preset.support_phone_numbers,
    )
    preset_apply(tenant=tenant, preset=preset)
    return tenant


def test_the_magento_policy_reads_as_the_seed_without_signing_in(client):
    _tenant(MAGENTO_OMS)
    page = client.get("/support/magento-oms/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<a href="tel:18772827436">1-877-282-7436</a> in the US' in html
    assert '<a href="tel:+0013109451310">+001 310 945-1310</a> outside the US' in html
    assert "System Application Outage and P1 problems must also be reported by phone." in html
    assert "System Application Outage and P1 cases are escalated to senior management" in html
    assert "Unscheduled system application outage where customers are unable to use key systems" in html
    assert "First response (met when an analyst is assigned to your case)" in html
    for words in (
        "15 minutes, around the clock",
        "24 hours, around the clock",
        "24 business hours",
        "48 business hours",
        "14 days, around the clock",
    ):
        assert words in html
    assert "business (America/Los_Angeles)" in html
    assert "Monday–Friday: all day" in html
    assert "without an answer the case closes by itself after 7 days" in html


def test_the_storeconnect_policy_shows_its_plan_table_hours_and_next_holidays():
    tenant = _tenant(STORECONNECT)
    policy = support_policy(tenant=tenant, today=date(2026, 12, 2))
    assert [plan.name for plan in policy.plans] == ["Flagship", "Emporium", "Boutique", "Pop-Up"]
    [first_response] = policy.tables  # no resolution targets: no resolution table
    rows = {row.priority.name: row.cells for row in first_response.rows}
    assert rows["Critical"] == ["1 business day", "2 business days", "3 business days", "3 business days"]
    assert rows["High"] == ["5 business days", "5 business days", "10 business days", "10 business days"]
    assert rows["Medium"] == ["no explicit target"] * 4
    assert first_response.explanation == "met by our first reply to you"
    [calendar] = policy.calendars
    assert (calendar.time_zone, calendar.hours) == ("Australia/Sydney", ["Monday–Friday: 09:00–17:00"])
    assert [day for day, _ in calendar.holidays[:3]] == [date(2026, 12, 25), date(2026, 12, 26), date(2026, 12, 28)]


def test_the_page_follows_the_configuration_as_it_changes(client):
    tenant = _tenant(STORECONNECT)
    Priority.objects.for_tenant(tenant).filter(name="Low").update(criteria="Cosmetic glitches only.")
    tenant.auto_close_days = 3
    tenant.save(update_fields=["auto_close_days"])
    html = client.get("/support/storeconnect/").content.decode()
    assert "Cosmetic glitches only." in html
    assert "closes by itself after 3 days" in html


def test_an_unknown_organisation_is_not_found(client):
    assert client.get("/support/nobody/").status_code == 404


def test_targets_in_words():
    assert target_words(1, "business_days") == "1 business day"
    assert target_words(24, "calendar_hours") == "24 hours, around the clock"
    assert target_words(1, "calendar_minutes") == "1 minute, around the clock"


def test_hours_in_words_groups_days_with_the_same_hours():
    nine_to_five = [("09:00", "17:00")]
    hours = {
        "mon": nine_to_five,
        "tue": nine_to_five,
        "wed": [("09:00", "12:00"), ("13:00", "17:00")],
        "thu": nine_to_five,
        "sat": [("00:00", "24:00")],
    }
    assert hours_in_words(hours) == [
        "Monday–Tuesday: 09:00–17:00",
        "Wednesday: 09:00–12:00, 13:00–17:00",
        "Thursday: 09:00–17:00",
        "Saturday: all day",
    ]


def test_phone_numbers_keep_their_labels():
    assert [(p.number, p.label, p.tel) for p in phones_of(["(02) 9000 1234", "+61 2 9000 1234 (after hours)"])] == [
        ("(02) 9000 1234", "", "0290001234"),
        ("+61 2 9000 1234", "after hours", "+61290001234"),
    ]


def test_the_portal_sign_in_page_and_acknowledgement_link_the_policy(client, world, setup_a):
    from helpdesk.models import OutboxMessage
    from tickets.tests.factories import open_case

    sign_in = client.get("/login/").content.decode()
    assert 'action="/support/"' in sign_in
    assert "Tenant A" not in sign_in  # organisations are not listed to strangers
    assert client.get("/support/", {"organisation": "Tenant-A "})["Location"] == "/support/tenant-a/"
    assert client.get("/support/", {"organisation": ""}).status_code == 400
    client.force_login(world.merchant_a1)
    portal = client.get("/portal/").content.decode()
    assert 'href="/support/tenant-a/"' in portal
    assert "Service hours: Monday–Friday: 09:00–17:00 (Australia/Sydney)." in portal
    case = open_case(world.account_a1, setup_a.normal)
    ack = OutboxMessage.objects.for_tenant(world.tenant_a).get(subject__contains="We received your case")
    assert "/support/tenant-a/" in ack.body_text
    assert "Our service hours: Monday–Friday: 09:00–17:00 (Australia/Sydney)." in ack.body_text
    assert case.number in ack.subject
