"""The business calendar settings pages: validation at the field, saving with history, holidays
and overrides moving the SLA preview, and isolation between tenants."""

from __future__ import annotations

import re
from datetime import date

import pytest

from helpdesk.models import SettingChange
from sla.calendar_forms import interval_problems
from sla.models import Calendar, CalendarHoliday, CalendarOverride
from sla.presets import STORECONNECT
from tickets.services import preset_apply

pytestmark = pytest.mark.django_db

WEEKDAYS_9_TO_5 = {f"{d}_1_start": "09:00" for d in ("mon", "tue", "wed", "thu", "fri")} | {
    f"{d}_1_end": "17:00" for d in ("mon", "tue", "wed", "thu", "fri")
}


@pytest.fixture
def estate(world):
    preset_apply(tenant=world.tenant_a, preset=STORECONNECT)
    preset_apply(tenant=world.tenant_b, preset=STORECONNECT)
    return world


@pytest.fixture
def admin_client(client, estate):
    client.force_login(estate.admin_a)
    return client


@pytest.fixture
def business(estate):
    return Calendar.objects.for_tenant(estate.tenant_a).get(name="business")


def calendar_data(**changes):
    data = {
        "action": "save",
        "name": "business",
        "time_zone": "Australia/Sydney",
        "holiday_country": "AU",
        "holiday_subdivision": "NSW",
        **WEEKDAYS_9_TO_5,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_list_shows_the_tenants_calendars_only(admin_client, estate):
    Calendar.objects.create(tenant=estate.tenant_b, name="only-b", time_zone="UTC", hours={"mon": [["09:00", "17:00"]]})
    body = admin_client.get("/settings/calendars/").content.decode()
    assert "business" in body and "only-b" not in body


def test_the_edit_page_shows_hours_and_upcoming_public_holidays(admin_client, business):
    body = admin_client.get(f"/settings/calendars/{business.pk}/").content.decode()
    assert re.search(r'name="mon_1_start" value="09:00"', body)
    assert 'for="id_mon_1_start">Monday, interval 1: opens<' in body
    assert "Christmas Day" in body  # NSW public holidays of the next twelve months


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"tue_2_start": "12:00", "tue_2_end": "18:00"}, "tue_2_start", "12:00–18:00 overlaps 09:00–17:00."),
        ({"wed_1_start": "17:00", "wed_1_end": "09:00"}, "wed_1_end", "17:00–09:00 ends before it starts."),
        ({"thu_2_start": "18:00"}, "thu_2_end", "Give both the opening and the closing time, or neither."),
        ({"holiday_subdivision": "XYZ"}, "holiday_subdivision", "“XYZ” is not a subdivision of Australia"),
    ],
)
def test_invalid_hours_are_refused_at_the_field(admin_client, business, changes, field, message):
    response = admin_client.post(f"/settings/calendars/{business.pk}/", calendar_data(**changes))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="error-summary"' in body and f'href="#id_{field}"' in body
    assert message in body
    business.refresh_from_db()
    assert business.revision == 1 and not SettingChange.objects.filter(area="calendars", actor__isnull=False).exists()


def test_a_calendar_with_no_open_hours_is_refused(admin_client, business):
    closed = {key: "" for key in WEEKDAYS_9_TO_5}
    response = admin_client.post(f"/settings/calendars/{business.pk}/", calendar_data(**closed))
    assert "The calendar has no open hours at all" in response.content.decode()
    business.refresh_from_db()
    assert business.hours["mon"] == [["09:00", "17:00"]]


def test_saving_changes_the_hours_bumps_the_revision_and_records_who(admin_client, estate, business):
    response = admin_client.post(
        f"/settings/calendars/{business.pk}/",
        calendar_data(mon_2_start="18:00", mon_2_end="00:00", sat_all_day="on"),
    )
    assert response.status_code == 302
    business.refresh_from_db()
    assert business.hours["mon"] == [["09:00", "17:00"], ["18:00", "24:00"]]
    assert business.hours["sat"] == [["00:00", "24:00"]] and business.hours["sun"] == []
    assert business.revision == 2
    change = SettingChange.objects.get(area="calendars", actor=estate.admin_a)
    assert change.tenant == estate.tenant_a and change.label == "calendar business"
    assert {"field": "Monday", "before": "09:00–17:00", "after": "09:00–17:00, 18:00–24:00"} in change.changes
    followed = admin_client.get(response["Location"]).content.decode()
    assert "Calendar “business” saved" in followed and 'data-testid="setting-change"' in followed


def preview_due(client, calendar, at: str, cell_filter: str = "") -> list[str]:
    body = client.get(f"/settings/calendars/{calendar.pk}/", {"preview_at": at}).content.decode()
    return re.findall(r'data-testid="preview-due">([^<]+)<', body)


def test_adding_a_holiday_moves_the_preview_and_removing_it_moves_it_back(admin_client, estate, business):
    at = "2026-12-10T10:00"  # a Thursday in Sydney; Critical on Flagship is one business day
    before = preview_due(admin_client, business, at)
    assert "Fri 11 Dec 2026 10:00 AEDT" in before
    url = f"/settings/calendars/{business.pk}/"
    added = admin_client.post(url, {"action": "holiday-add", "holiday-date": "2026-12-11", "holiday-name": "Staff day"})
    assert added.status_code == 302
    after = preview_due(admin_client, business, at)
    assert "Fri 11 Dec 2026 10:00 AEDT" not in after and "Mon 14 Dec 2026 10:00 AEDT" in after
    body = admin_client.get(url, {"preview_at": at}).content.decode()
    assert "Skips Fri 11 Dec 2026: Staff day." in body
    holiday = CalendarHoliday.objects.get(calendar=business)
    assert SettingChange.objects.filter(area="calendars", actor=estate.admin_a).count() == 1
    admin_client.post(url, {"action": "holiday-remove", "holiday": holiday.pk})
    assert "Fri 11 Dec 2026 10:00 AEDT" in preview_due(admin_client, business, at)


def test_an_override_opens_a_public_holiday_and_bad_ranges_are_refused(admin_client, business):
    url = f"/settings/calendars/{business.pk}/"
    day = {"action": "override-set", "override-date": "2026-12-25"}
    bad = admin_client.post(url, {**day, "override-intervals": "13:00-09:00"})
    assert "13:00–09:00 ends before it starts." in bad.content.decode()
    junk = admin_client.post(url, {**day, "override-intervals": "noon"})
    assert "“noon” is not a time range" in junk.content.decode()
    assert not CalendarOverride.objects.filter(calendar=business).exists()
    good = admin_client.post(url, {**day, "override-intervals": "09:00–13:00", "override-note": "Sale"})
    assert good.status_code == 302
    override = CalendarOverride.objects.get(calendar=business)
    assert override.intervals == [["09:00", "13:00"]] and override.note == "Sale"
    assert "open: date override" in admin_client.get(url).content.decode()


def test_a_new_calendar_is_created_with_a_unique_name(admin_client, estate):
    taken = admin_client.post("/settings/calendars/new/", calendar_data())
    assert "Already in use." in taken.content.decode()
    made = admin_client.post(
        "/settings/calendars/new/", calendar_data(name="weekend", holiday_country="", holiday_subdivision="")
    )
    assert made.status_code == 302
    assert Calendar.objects.for_tenant(estate.tenant_a).filter(name="weekend").exists()


def test_subdivisions_follow_the_chosen_country(admin_client, business):
    body = admin_client.get(f"/settings/calendars/{business.pk}/", {"partial": "subdivisions", "holiday_country": "US"})
    assert '<option value="CA">' in body.content.decode()


def test_another_tenants_calendar_answers_like_a_missing_one(admin_client, estate, business):
    foreign = Calendar.objects.for_tenant(estate.tenant_b).get(name="business")
    assert admin_client.get(f"/settings/calendars/{foreign.pk}/").status_code == 404
    assert admin_client.get("/settings/calendars/987654/").status_code == 404
    posted = admin_client.post(f"/settings/calendars/{foreign.pk}/", calendar_data(name="taken"))
    assert posted.status_code == 404
    foreign.refresh_from_db()
    assert foreign.name == "business"
    holiday = CalendarHoliday.objects.create(tenant=estate.tenant_b, calendar=foreign, date=date(2026, 12, 11))
    removed = admin_client.post(
        f"/settings/calendars/{business.pk}/", {"action": "holiday-remove", "holiday": holiday.pk}
    )
    assert removed.status_code == 404 and CalendarHoliday.objects.filter(pk=holiday.pk).exists()


@pytest.mark.parametrize("actor", ["analyst_a", "manager_a", "merchant_a1"])
def test_only_tenant_admins_edit_calendars(client, estate, business, actor):
    client.force_login(getattr(estate, actor))
    assert client.get(f"/settings/calendars/{business.pk}/").status_code == 403


def test_interval_problems_name_overlaps_and_reversals():
    assert interval_problems([["09:00", "12:00"], ["13:00", "17:00"]]) == []
    assert interval_problems([["13:00", "17:00"], ["09:00", "14:00"]]) == [(0, "13:00–17:00 overlaps 09:00–14:00.")]
    assert interval_problems([["10:00", "10:00"]]) == [(0, "10:00–10:00 ends before it starts.")]
