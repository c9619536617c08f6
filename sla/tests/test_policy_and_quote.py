"""SLA policy versions, presets, calendars from the database, and `sla_quote`."""

from __future__ import annotations

import json
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from helpdesk.errors import ValidationFailed
from helpdesk.models import Tenant
from sla.calendar_cache import load_calendar
from sla.models import Calendar, MetBy, Metric, SlaPolicy, SlaTarget, Unit
from sla.presets import MAGENTO_OMS, STORECONNECT
from sla.selectors import policy_current, quote_as_json, sla_quote
from sla.services import (
    TargetInput,
    calendar_holiday_add,
    calendar_override_set,
    calendar_save,
    policy_publish,
)
from tickets.models import Plan, Priority
from tickets.services import preset_apply

pytestmark = pytest.mark.django_db
SYD, LA = ZoneInfo("Australia/Sydney"), ZoneInfo("America/Los_Angeles")


@pytest.fixture
def storeconnect(db) -> Tenant:
    tenant = Tenant.objects.create(slug="storeconnect", name="StoreConnect", time_zone="Australia/Sydney")
    preset_apply(tenant=tenant, preset=STORECONNECT)
    return tenant


@pytest.fixture
def oms(db) -> Tenant:
    tenant = Tenant.objects.create(slug="magento-oms", name="Magento OMS", time_zone="America/Los_Angeles")
    preset_apply(tenant=tenant, preset=MAGENTO_OMS)
    return tenant


def quote(*args: str) -> dict:
    out = StringIO()
    call_command("sla_quote", *args, stdout=out)
    return json.loads(out.getvalue())


# -- presets ---------------------------------------------------------------------------------


def test_storeconnect_preset_matches_the_seed_table(storeconnect):
    assert list(Plan.objects.for_tenant(storeconnect).values_list("name", flat=True)) == [
        "Flagship",
        "Emporium",
        "Boutique",
        "Pop-Up",
    ]
    assert list(Priority.objects.for_tenant(storeconnect).values_list("name", flat=True)) == [
        "Critical",
        "High",
        "Medium",
        "Low",
    ]
    policy = policy_current(tenant=storeconnect)
    assert policy.first_response_met_by == MetBy.REPLY
    cells = {
        (t.priority.name, t.plan.name): t.amount
        for t in SlaTarget.objects.for_tenant(storeconnect).filter(policy=policy, metric=Metric.FIRST_RESPONSE)
    }
    assert cells == {
        ("Critical", "Flagship"): 1,
        ("Critical", "Emporium"): 2,
        ("Critical", "Boutique"): 3,
        ("Critical", "Pop-Up"): 3,
        ("High", "Flagship"): 5,
        ("High", "Emporium"): 5,
        ("High", "Boutique"): 10,
        ("High", "Pop-Up"): 10,
    }
    assert not SlaTarget.objects.for_tenant(storeconnect).filter(metric=Metric.RESOLUTION).exists()
    assert set(SlaTarget.objects.for_tenant(storeconnect).values_list("unit", flat=True)) == {Unit.BUSINESS_DAYS}
    business = Calendar.objects.for_tenant(storeconnect).get(name="business")
    assert (business.time_zone, business.holiday_country, business.holiday_subdivision) == (
        "Australia/Sydney",
        "AU",
        "NSW",
    )


def test_magento_preset_flags_and_phone_priorities(oms):
    flags = {p.name: (p.must_phone, p.escalate_on_open) for p in Priority.objects.for_tenant(oms)}
    assert flags == {
        "System Application Outage": (True, True),
        "P1": (True, True),
        "P2": (False, False),
        "P3": (False, False),
    }
    assert policy_current(tenant=oms).first_response_met_by == MetBy.ASSIGNMENT


def test_applying_a_preset_again_changes_nothing(storeconnect):
    before = (SlaPolicy.objects.count(), SlaTarget.objects.count(), Calendar.objects.get(tenant=storeconnect).revision)
    preset_apply(tenant=storeconnect, preset=STORECONNECT)
    after = (SlaPolicy.objects.count(), SlaTarget.objects.count(), Calendar.objects.get(tenant=storeconnect).revision)
    assert before == after


# -- quotes: the committed times of both presets ---------------------------------------------


@pytest.mark.parametrize(
    ("plan", "priority", "opened_at", "due"),
    [
        ("Flagship", "Critical", "2026-11-24T14:00:00+11:00", "2026-11-25T14:00:00+11:00"),
        ("flagship", "critical", "2026-11-28T11:00:00+11:00", "2026-11-30T17:00:00+11:00"),
        ("Emporium", "Critical", "2026-11-28T11:00:00+11:00", "2026-12-01T17:00:00+11:00"),
        ("Boutique", "Critical", "2026-11-24T17:30:00+11:00", "2026-11-27T17:00:00+11:00"),
        ("Pop-Up", "High", "2026-11-23T09:00:00+11:00", "2026-12-04T17:00:00+11:00"),
        # Ten business days over Christmas, Boxing Day (observed Monday 28th) and New Year's Day.
        ("Pop-Up", "High", "2026-12-21T09:30:00+11:00", "2027-01-07T09:30:00+11:00"),
        ("Flagship", "High", "2026-11-23T09:00:00+11:00", "2026-11-27T17:00:00+11:00"),
        # Opened on Christmas Day: the clock starts on Tuesday 29 December (28th is Boxing Day observed).
        ("Flagship", "Critical", "2026-12-25T10:00:00+11:00", "2026-12-29T17:00:00+11:00"),
        # Given in UTC: 2026-11-24T03:00Z is 14:00 in Sydney.
        ("Flagship", "Critical", "2026-11-24T03:00:00Z", "2026-11-25T14:00:00+11:00"),
    ],
)
def test_storeconnect_quotes(storeconnect, plan, priority, opened_at, due):
    answer = quote("--tenant", "storeconnect", "--plan", plan, "--priority", priority, "--opened-at", opened_at)
    assert answer["resolution"] is None
    assert answer["first_response"]["due"] == due
    assert answer["first_response"]["unit"] == "business_days"
    assert answer["first_response"]["calendar"] == "business"


@pytest.mark.parametrize("priority", ["Medium", "low"])
def test_no_explicit_target_is_null(storeconnect, priority):
    answer = quote(
        "--tenant",
        "storeconnect",
        "--plan",
        "Flagship",
        "--priority",
        priority,
        "--opened-at",
        "2026-11-24T14:00:00+11:00",
    )
    assert answer == {"first_response": None, "resolution": None}


@pytest.mark.parametrize(
    ("priority", "opened_at", "first_response", "resolution"),
    [
        (
            "System Application Outage",
            "2026-11-25T12:00:00-08:00",
            "2026-11-25T12:15:00-08:00",
            "2026-11-26T12:00:00-08:00",
        ),
        ("p1", "2026-11-28T23:50:00-08:00", "2026-11-29T00:05:00-08:00", "2026-11-29T23:50:00-08:00"),
        # P2 around Thanksgiving (Thursday 26 November): 12 h Wednesday, 12 h Friday.
        ("P2", "2026-11-25T12:00:00-08:00", "2026-11-27T12:00:00-08:00", "2026-11-30T12:00:00-08:00"),
        # Opened on a Saturday: the business clock starts Monday 00:00.
        ("P2", "2026-11-21T10:00:00-08:00", "2026-11-24T00:00:00-08:00", "2026-11-25T00:00:00-08:00"),
        ("P3", "2026-11-25T12:00:00-08:00", "2026-11-27T12:00:00-08:00", "2026-12-09T12:00:00-08:00"),
        # Clocks go back on 1 November: 24 calendar hours end at 11:00 local.
        ("P1", "2026-10-31T12:00:00-07:00", "2026-10-31T12:15:00-07:00", "2026-11-01T11:00:00-08:00"),
    ],
)
def test_magento_quotes(oms, priority, opened_at, first_response, resolution):
    answer = quote("--tenant", "magento-oms", "--plan", "Standard", "--priority", priority, "--opened-at", opened_at)
    assert answer["first_response"]["due"] == first_response
    assert answer["resolution"]["due"] == resolution


def test_quote_without_offset_is_read_in_the_tenants_zone(storeconnect):
    answer = quote(
        "--tenant", "storeconnect", "--plan", "Flagship", "--priority", "Critical", "--opened-at", "2026-11-24T14:00"
    )
    assert answer["first_response"]["due"] == "2026-11-25T14:00:00+11:00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tenant", "nope", "--plan", "Flagship", "--priority", "Critical"], "No tenant “nope”"),
        (
            ["--tenant", "storeconnect", "--plan", "Gold", "--priority", "Critical"],
            "No plan “Gold”. Known plans: Flagship",
        ),
        (["--tenant", "storeconnect", "--plan", "Flagship", "--priority", "P9"], "No priority “P9”"),
    ],
)
def test_quote_errors_are_one_line_with_exit_code_2(storeconnect, args, message):
    with pytest.raises(CommandError, match=message) as raised:
        quote(*args, "--opened-at", "2026-11-24T14:00:00+11:00")
    assert raised.value.returncode == 2


def test_malformed_time_is_refused(storeconnect):
    with pytest.raises(CommandError, match="not an ISO 8601 time") as raised:
        quote("--tenant", "storeconnect", "--plan", "Flagship", "--priority", "Critical", "--opened-at", "next tuesday")
    assert raised.value.returncode == 2


# -- policy versions -------------------------------------------------------------------------


def test_editing_targets_makes_a_new_version_and_keeps_the_old(storeconnect):
    v1 = policy_current(tenant=storeconnect)
    flagship = Plan.objects.for_tenant(storeconnect).get(name="Flagship")
    critical = Priority.objects.for_tenant(storeconnect).get(name="Critical")
    business = Calendar.objects.for_tenant(storeconnect).get(name="business")
    v2 = policy_publish(
        tenant=storeconnect,
        targets=[TargetInput(flagship, critical, Metric.FIRST_RESPONSE, 4, Unit.BUSINESS_HOURS, business)],
        note="Faster Flagship critical response",
    )
    assert v2.version == v1.version + 1
    opened = datetime(2026, 11, 24, 14, tzinfo=SYD)
    new = sla_quote(tenant=storeconnect, plan=flagship, priority=critical, opened_at=opened)
    old = sla_quote(tenant=storeconnect, plan=flagship, priority=critical, opened_at=opened, policy=v1)
    assert new["first_response"].due == datetime(2026, 11, 25, 10, tzinfo=SYD)
    assert old["first_response"].due == datetime(2026, 11, 25, 14, tzinfo=SYD)
    assert SlaTarget.objects.filter(policy=v1).count() == 8


def test_invalid_targets_are_refused_with_reasons(storeconnect, world):
    flagship = Plan.objects.for_tenant(storeconnect).get(name="Flagship")
    critical = Priority.objects.for_tenant(storeconnect).get(name="Critical")
    foreign_plan = Plan.objects.for_tenant(world.tenant_a).first()
    with pytest.raises(ValidationFailed) as raised:
        policy_publish(
            tenant=storeconnect,
            targets=[
                TargetInput(flagship, critical, Metric.FIRST_RESPONSE, 4, Unit.BUSINESS_HOURS, None),
                TargetInput(flagship, critical, Metric.RESOLUTION, 0, Unit.CALENDAR_HOURS, None),
                TargetInput(foreign_plan, critical, Metric.RESOLUTION, 1, Unit.CALENDAR_HOURS, None),
            ],
        )
    errors = " ".join(raised.value.errors["targets"])
    assert "needs a business calendar" in errors
    assert "at least 1" in errors
    assert "must belong to this tenant" in errors
    assert policy_current(tenant=storeconnect).version == 1


# -- calendars from the database -------------------------------------------------------------


def test_loader_builds_once_per_revision_and_sees_changes(storeconnect):
    calendar = Calendar.objects.for_tenant(storeconnect).get(name="business")
    first = load_calendar(calendar)
    assert load_calendar(calendar) is first
    assert first.business.is_holiday(date(2026, 12, 25))  # from the holidays package
    assert first.holiday_names[date(2026, 1, 26)] == "Australia Day"
    calendar_holiday_add(calendar=calendar, day=date(2026, 11, 27), name="Company day")
    second = load_calendar(calendar)
    assert second is not first and second.business.is_holiday(date(2026, 11, 27))
    calendar_override_set(calendar=calendar, day=date(2026, 12, 25), intervals=[["10:00", "12:00"]], note="Open")
    third = load_calendar(calendar)
    assert third.business.is_open(datetime(2026, 12, 25, 11, tzinfo=SYD))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"time_zone": "Nowhere/City"}, "Unknown time zone"),
        ({"hours": {"mon": [["17:00", "09:00"]]}}, "ends before it starts"),
        ({"hours": {"mon": [["09:00", "13:00"], ["12:00", "17:00"]]}}, "overlap"),
        ({"hours": {"mon": [["9am", "5pm"]]}}, "HH:MM"),
        ({"holiday_country": "XX"}, "knows no country"),
    ],
)
def test_invalid_calendar_settings_are_refused(storeconnect, changes, message):
    parts = {"time_zone": "Australia/Sydney", "hours": {"mon": [["09:00", "17:00"]]}, **changes}
    with pytest.raises(ValidationFailed, match=message):
        calendar_save(tenant=storeconnect, name="other", **parts)
    assert not Calendar.objects.filter(name="other").exists()


def test_an_invalid_override_is_refused(storeconnect):
    calendar = Calendar.objects.for_tenant(storeconnect).get(name="business")
    with pytest.raises(ValidationFailed, match="ends before it starts"):
        calendar_override_set(calendar=calendar, day=date(2026, 12, 24), intervals=[["13:00", "09:00"]])


def test_quotes_as_json_shape(oms):
    plan = Plan.objects.for_tenant(oms).get()
    p2 = Priority.objects.for_tenant(oms).get(name="P2")
    answer = quote_as_json(
        sla_quote(tenant=oms, plan=plan, priority=p2, opened_at=datetime(2026, 11, 25, 12, tzinfo=LA))
    )
    assert answer["first_response"] == {
        "amount": 24,
        "unit": "business_hours",
        "calendar": "business",
        "due": "2026-11-27T12:00:00-08:00",
    }


@pytest.mark.parametrize(
    ("amount", "unit", "label"),
    [
        (1, Unit.BUSINESS_DAYS, "1 business day"),
        (15, Unit.CALENDAR_MINUTES, "15 calendar minutes"),
        (1, Unit.CALENDAR_HOURS, "1 calendar hour"),
    ],
)
def test_targets_read_naturally(amount, unit, label):
    from sla.models import SlaClock

    assert SlaClock(amount=amount, unit=unit).target_label == label
