"""Tenant admin pages for SLA targets (with preview) and business calendars."""

from __future__ import annotations

import json
import re

import pytest

from sla.models import Calendar, CalendarHoliday, SlaPolicy, SlaTarget
from sla.selectors import policy_current
from tickets.models import Plan, Priority

pytestmark = pytest.mark.django_db


def grid_post(client, **changes):
    """The targets page's form as it is shown, with some fields changed, posted back."""
    page = client.get("/settings/sla/").content.decode()
    data = dict(re.findall(r'<input[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"', page))
    for select in re.finditer(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(2))
        data[select.group(1)] = chosen.group(1) if chosen else ""
    data.update(changes)
    return client.post("/settings/sla/", data)


def cell(world, metric, priority, plan):
    tenant = world.tenant_a
    pr = Priority.objects.for_tenant(tenant).get(name=priority)
    pl = Plan.objects.for_tenant(tenant).get(name=plan)
    return f"{metric}-{pr.pk}-{pl.pk}"


def test_targets_page_shows_the_current_version(admin_client, tenant_a_with_preset):
    body = admin_client.get("/settings/sla/").content.decode()
    assert "Published: <strong>v1</strong>" in body
    prefix = cell(tenant_a_with_preset, "first_response", "Critical", "Emporium")
    assert re.search(rf'name="{prefix}-amount" value="2"', body)


def test_preview_shows_due_times_without_saving(admin_client, tenant_a_with_preset):
    prefix = cell(tenant_a_with_preset, "first_response", "Critical", "Flagship")
    response = grid_post(admin_client, preview="1", preview_at="2026-11-28 11:00")  # a Saturday in Sydney
    body = response.content.decode()
    due = re.search(rf'data-cell="{prefix}">([^<]*)<', body).group(1)
    assert due == "Mon 30 Nov 2026 17:00 AEDT"
    assert SlaPolicy.objects.for_tenant(tenant_a_with_preset.tenant_a).count() == 1


@pytest.mark.parametrize(
    ("preview_at", "due"),
    [
        # Sydney's clocks jump from 02:00 to 03:00 on 4 October 2026: 24 hours end at 02:30.
        ("2026-10-04 01:30", "Mon 5 Oct 2026 02:30 AEDT"),
        # 02:30 never happens that night: it is read as the jump, 03:00, as quotes read it.
        ("2026-10-04 02:30", "Mon 5 Oct 2026 03:00 AEDT"),
    ],
)
def test_preview_counts_calendar_units_as_elapsed_time_across_dst(admin_client, tenant_a_with_preset, preview_at, due):
    prefix = cell(tenant_a_with_preset, "resolution", "Critical", "Flagship")
    response = grid_post(
        admin_client,
        preview="1",
        preview_at=preview_at,
        **{f"{prefix}-amount": "24", f"{prefix}-unit": "calendar_hours", f"{prefix}-calendar": ""},
    )
    body = response.content.decode()
    assert 'class="errors"' not in body
    assert re.search(rf'data-cell="{prefix}">([^<]*)<', body).group(1) == due


def test_publishing_a_change_makes_a_new_version(admin_client, tenant_a_with_preset):
    world = tenant_a_with_preset
    prefix = cell(world, "resolution", "Medium", "Boutique")
    business = Calendar.objects.for_tenant(world.tenant_a).get(name="business")
    reviewed = grid_post(
        admin_client,
        review="1",
        **{f"{prefix}-amount": "10", f"{prefix}-unit": "business_days", f"{prefix}-calendar": str(business.pk)},
    )
    assert reviewed.status_code == 302 and reviewed["Location"] == "/settings/sla/review/"
    assert policy_current(tenant=world.tenant_a).version == 1  # nothing is published before the confirmation
    response = admin_client.post("/settings/sla/review/", {"note": "Medium resolution for Boutique", "publish": "1"})
    assert response.status_code == 302
    policy = policy_current(tenant=world.tenant_a)
    assert policy.version == 2 and policy.created_by == world.admin_a
    assert SlaTarget.objects.filter(policy=policy).count() == 9
    followed = admin_client.get("/settings/sla/").content.decode()
    assert "Published SLA policy v2" in followed
    assert policy_current(tenant=world.tenant_b).version == 1  # the other tenant is untouched


def test_publishing_the_same_targets_makes_no_version(admin_client, tenant_a_with_preset):
    grid_post(admin_client, review="1")
    admin_client.post("/settings/sla/review/", {"publish": "1"})
    assert policy_current(tenant=tenant_a_with_preset.tenant_a).version == 1


def test_invalid_cells_explain_themselves(admin_client, tenant_a_with_preset):
    world = tenant_a_with_preset
    no_unit = cell(world, "resolution", "Low", "Flagship")
    no_calendar = cell(world, "resolution", "Low", "Emporium")
    no_amount = cell(world, "resolution", "Low", "Boutique")
    response = grid_post(
        admin_client,
        review="1",
        **{
            f"{no_unit}-amount": "3",
            f"{no_calendar}-amount": "3",
            f"{no_calendar}-unit": "business_hours",
            f"{no_amount}-unit": "calendar_days",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Choose a unit." in body
    assert "Business time needs a calendar." in body
    assert "Give an amount, or clear the unit" in body
    assert policy_current(tenant=world.tenant_a).version == 1


def test_another_tenants_calendar_cannot_be_chosen(admin_client, tenant_a_with_preset):
    world = tenant_a_with_preset
    prefix = cell(world, "resolution", "Low", "Flagship")
    foreign = Calendar.objects.for_tenant(world.tenant_b).get(name="business")
    response = grid_post(
        admin_client,
        review="1",
        **{f"{prefix}-amount": "3", f"{prefix}-unit": "business_days", f"{prefix}-calendar": str(foreign.pk)},
    )
    assert "Select a valid choice" in response.content.decode()
    assert policy_current(tenant=world.tenant_a).version == 1


@pytest.mark.parametrize("actor", ["analyst_a", "manager_a", "merchant_a1"])
def test_only_tenant_admins_edit_targets(client, tenant_a_with_preset, actor):
    client.force_login(getattr(tenant_a_with_preset, actor))
    assert client.get("/settings/sla/").status_code == 403


# -- calendars in the scoped admin -------------------------------------------------------------


def calendar_form(calendar, **changes):
    data = {
        "name": calendar.name,
        "time_zone": calendar.time_zone,
        "hours": json.dumps(calendar.hours),
        "holiday_country": calendar.holiday_country,
        "holiday_subdivision": calendar.holiday_subdivision,
        "holidays-TOTAL_FORMS": 0,
        "holidays-INITIAL_FORMS": 0,
        "overrides-TOTAL_FORMS": 0,
        "overrides-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


def test_calendar_edits_are_validated_and_bump_the_revision(admin_client, tenant_a_with_preset):
    calendar = Calendar.objects.for_tenant(tenant_a_with_preset.tenant_a).get(name="business")
    url = f"/admin/sla/calendar/{calendar.pk}/change/"
    bad = admin_client.post(url, calendar_form(calendar, hours='{"mon": [["17:00", "09:00"]]}'))
    assert "ends before it starts" in bad.content.decode()
    bad_zone = admin_client.post(url, calendar_form(calendar, time_zone="Sydney"))
    assert "not an IANA time zone" in bad_zone.content.decode()
    good = admin_client.post(
        url,
        calendar_form(
            calendar,
            **{
                "holidays-TOTAL_FORMS": 1,
                "holidays-0-date": "2026-11-27",
                "holidays-0-name": "Staff day",
                "overrides-TOTAL_FORMS": 1,
                "overrides-0-date": "2026-12-24",
                "overrides-0-intervals": '[["09:00", "13:00"]]',
                "overrides-0-note": "Christmas Eve",
            },
        ),
    )
    assert good.status_code == 302, good.content.decode()[:3000]
    calendar.refresh_from_db()
    assert calendar.revision == 2
    assert CalendarHoliday.objects.get(calendar=calendar).tenant == tenant_a_with_preset.tenant_a


def test_an_override_with_bad_intervals_is_a_form_error(admin_client, tenant_a_with_preset):
    calendar = Calendar.objects.for_tenant(tenant_a_with_preset.tenant_a).get(name="business")
    response = admin_client.post(
        f"/admin/sla/calendar/{calendar.pk}/change/",
        calendar_form(
            calendar,
            **{
                "overrides-TOTAL_FORMS": 1,
                "overrides-0-date": "2026-12-24",
                "overrides-0-intervals": '[["13:00", "09:00"]]',
            },
        ),
    )
    assert response.status_code == 200
    assert "13:00–09:00 ends before it starts" in response.content.decode()


def test_tenant_admin_sees_only_own_calendars_and_policies(admin_client, tenant_a_with_preset):
    foreign = Calendar.objects.for_tenant(tenant_a_with_preset.tenant_b).get(name="business")
    listing = admin_client.get("/admin/sla/calendar/").content.decode()
    assert listing.count("Australia/Sydney") == 1
    assert admin_client.get(f"/admin/sla/calendar/{foreign.pk}/change/", follow=True).redirect_chain[-1][0] == "/admin/"
    policies = admin_client.get("/admin/sla/slapolicy/").content.decode()
    assert policies.count("SLA policy v1") == 1
