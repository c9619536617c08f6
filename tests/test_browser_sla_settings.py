"""The SLA settings in a real browser: an admin adds a holiday and sees the SLA preview move; an
admin reviews the diff of a draft and publishes it as a new version; and every SLA settings page
fits 1366 px and 375 px with no serious axe violation (screenshots in var/screenshots/)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from sla.models import Calendar, SlaPolicy
from sla.presets import STORECONNECT
from sla.selectors import policy_current
from tests.support.browser import browser_page, sign_in
from tests.test_browser_pages import WIDTHS, _check
from tickets.services import preset_apply

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CRITICAL_FLAGSHIP = "First response, Flagship, Critical"


@pytest.fixture
def storeconnect(world):
    preset_apply(tenant=world.tenant_a, preset=STORECONNECT)
    return world


def _preview_due(page: Page) -> str:
    row = page.get_by_test_id("preview-row").filter(has_text="First response, Flagship, Critical")
    return row.get_by_test_id("preview-due").inner_text()


def test_an_admin_adds_a_holiday_and_sees_the_preview_move(live_server, storeconnect):
    world, base = storeconnect, live_server.url
    with browser_page() as page:
        sign_in(page, base, world.admin_a.email, world.password)
        page.wait_for_load_state("networkidle")
        page.goto(f"{base}/settings/")
        page.get_by_role("link", name="Business calendars").click()
        page.get_by_role("link", name="business").click()
        page.get_by_label("A case opened at").fill("2026-12-10T10:00")  # a Thursday in Sydney
        page.get_by_role("button", name="Show due times").click()
        page.wait_for_load_state("networkidle")
        assert _preview_due(page) == "Fri 11 Dec 2026 10:00 AEDT"
        adding = page.get_by_test_id("holiday-add")
        adding.get_by_label("Date").fill("2026-12-11")
        adding.get_by_label("Name").fill("Staff day")
        adding.get_by_role("button", name="Add the holiday").click()
        page.get_by_text("Added the holiday on 11 Dec 2026").wait_for()
        assert _preview_due(page) == "Mon 14 Dec 2026 10:00 AEDT"
        row = page.get_by_test_id("preview-row").filter(has_text=CRITICAL_FLAGSHIP)
        row.get_by_text("Why this deadline").click()
        assert row.get_by_text("Skips Fri 11 Dec 2026: Staff day.").is_visible()
        assert page.get_by_test_id("holiday-dates").get_by_text("Staff day").is_visible()


def test_an_admin_publishes_a_new_version_after_reviewing_the_diff(live_server, storeconnect):
    world, base = storeconnect, live_server.url
    with browser_page() as page:
        sign_in(page, base, world.admin_a.email, world.password)
        page.wait_for_load_state("networkidle")
        page.goto(f"{base}/settings/sla/")
        page.get_by_label(f"{CRITICAL_FLAGSHIP}: amount").fill("4")
        page.get_by_label(f"{CRITICAL_FLAGSHIP}: unit").select_option("business_hours")
        page.get_by_role("button", name="Review and publish…").click()
        page.wait_for_url(f"{base}/settings/sla/review/")
        rows = page.get_by_test_id("diff-row")
        assert rows.count() == 1
        assert rows.first.inner_text().split("\t") == [
            CRITICAL_FLAGSHIP,
            "1 business day on business",
            "4 business hours on business",
        ]
        assert policy_current(tenant=world.tenant_a).version == 1  # nothing published yet
        page.get_by_label("What changes in this version").fill("Faster Flagship replies")
        page.get_by_role("button", name="Publish v2").click()
        page.get_by_role("alert").or_(page.get_by_role("status")).get_by_text("Published SLA policy v2.").wait_for()
        assert page.get_by_test_id("versions").get_by_role("link", name="v2").is_visible()
        assert policy_current(tenant=world.tenant_a).note == "Faster Flagship replies"
        assert page.get_by_test_id("setting-change").first.get_by_text("Published SLA policy v2").is_visible()


def test_the_sla_settings_pages_fit_both_widths_and_pass_axe(live_server, storeconnect):
    world, base = storeconnect, live_server.url
    calendar = Calendar.objects.for_tenant(world.tenant_a).get(name="business")
    v1 = SlaPolicy.objects.for_tenant(world.tenant_a).get()
    visits = [
        ("sla-targets-draft", "/settings/sla/", ["targets-form"]),
        ("sla-version", f"/settings/sla/versions/{v1.pk}/", ["version-targets"]),
        ("calendars", "/settings/calendars/", ["calendars"]),
        ("calendar", f"/settings/calendars/{calendar.pk}/?preview_at=2026-12-24T15:00", ["calendar-preview"]),
        ("calendar-new", "/settings/calendars/new/", ["weekly-hours"]),
    ]
    problems: list[str] = []
    with browser_page() as page:
        sign_in(page, base, world.admin_a.email, world.password)
        page.wait_for_load_state("networkidle")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for name, path, testids in visits:
                page.goto(f"{base}{path}")
                problems += _check(page, name, width, testids)
            # The grid with a preview, and the review page of a draft.
            page.goto(f"{base}/settings/sla/")
            page.get_by_label("Preview for a case opened at").fill("2026-12-24T15:00")
            page.get_by_role("button", name="Preview due times").click()
            problems += _check(page, "sla-targets-preview", width, ["targets-form"])
            page.get_by_label(f"{CRITICAL_FLAGSHIP}: amount").fill("4")
            page.get_by_label(f"{CRITICAL_FLAGSHIP}: unit").select_option("business_hours")
            page.get_by_role("button", name="Review and publish…").click()
            problems += _check(page, "sla-review", width, ["diff"])
    assert problems == [], "\n".join(problems)
