"""Every main page in a real browser at 1366 px and 375 px: nothing overflows sideways (a long
unbroken subject included), the page's key parts are visible, axe-core finds no serious or
critical violation, and the queue refreshes itself with a case another user opened. Screenshots
land in var/screenshots/ as artifacts."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.support.browser import browser_page, sign_in
from tickets.services import comment_add
from tickets.tests.factories import open_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1366, 375)
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
LONG_SUBJECT = "Checkout" + "X" * 180  # one word wider than any phone
AXE = Axe()


def _seed(world, setup_a) -> dict[str, list[tuple[str, str, list[str]]]]:
    """The cases the pages show, and per role: (shot name, path, test ids that must be visible)."""
    now = timezone.now()
    world.tenant_a.support_phone_numbers = ["1-800-555-0100"]
    world.tenant_a.save()
    case = open_case(world.account_a1, setup_a.urgent, at=now - timedelta(hours=3), subject=LONG_SUBJECT)
    comment_add(case=case, actor=world.analyst_a, body="Looking into it.", public=True)
    comment_add(case=case, actor=world.analyst_a, body="Probably the gateway key.", public=False)
    open_case(world.account_a1, setup_a.normal, at=now - timedelta(hours=1), subject="Refunds fail")
    case_page = f"/cases/{case.number}/"
    return {
        world.merchant_a1.email: [
            ("portal", "/portal/", ["portal-hero", "case-card", "phones", "nav"]),
            ("new-case", "/cases/new/", ["nav"]),
            ("merchant-case", case_page, ["timeline", "properties", "sla", "composer"]),
            ("old-cases", "/cases/", ["cases", "filters"]),
            ("account", "/account/", ["account"]),
        ],
        world.analyst_a.email: [
            ("queue", "/queue/", ["tiles", "views", "cases", "nav", "user-menu"]),
            ("case", case_page, ["case-head", "timeline", "properties", "sla", "composer", "actions"]),
            ("all-cases", "/cases/", ["cases", "filters"]),
            ("log-call", "/cases/log-call/", ["nav"]),
            ("profile", "/profile/", ["nav"]),
        ],
        world.manager_a.email: [
            ("escalations", "/escalations/", ["escalations", "nav"]),
            ("sla-report", "/reports/sla/", ["nav"]),
            ("satisfaction-report", "/reports/satisfaction/", ["nav"]),
        ],
        world.admin_a.email: [
            ("settings", "/settings/", ["nav"]),
            ("sla-targets", "/settings/sla/", ["nav"]),
            ("api-keys", "/settings/api-keys/", ["nav"]),
            ("webhooks", "/settings/webhooks/", ["nav"]),
        ],
    }


def _check(page: Page, name: str, width: int, testids: list[str]) -> list[str]:
    """What is wrong with the page as shown: overflow, hidden parts, serious axe violations."""
    problems = []
    page.wait_for_load_state("networkidle")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:
        problems.append(f"{name}@{width}: {overflow} px wider than the window")
    if width < 992 and "nav" in testids:  # the navigation folds behind the menu button
        page.locator(".navbar-toggler").click()
        page.get_by_test_id("nav").wait_for(state="visible")
    problems.extend(
        f"{name}@{width}: {testid} not visible"
        for testid in testids
        if not page.get_by_test_id(testid).first.is_visible()
    )
    results = AXE.run(page)
    for violation in results.response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [node["target"] for node in violation["nodes"]][:3]
            problems.append(f"{name}@{width}: axe {violation['id']} ({violation['impact']}) at {targets}")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    return problems


def test_every_main_page_fits_both_widths_and_passes_axe(live_server, world, setup_a):
    pages = _seed(world, setup_a)
    base = live_server.url
    problems: list[str] = []
    with browser_page() as page:
        for email, visits in pages.items():
            page.context.clear_cookies()
            sign_in(page, base, email, world.password)
            page.wait_for_load_state("networkidle")
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                for name, path, testids in visits:
                    page.goto(f"{base}{path}")
                    problems += _check(page, name, width, testids)
    assert problems == [], "\n".join(problems)


def test_the_shell_counts_and_the_search_take_a_bare_case_number(live_server, world, setup_a):
    case = open_case(world.account_a1, setup_a.urgent, at=timezone.now() - timedelta(hours=1), subject="Payments down")
    base = live_server.url
    with browser_page() as page:
        sign_in(page, base, world.analyst_a.email, world.password)
        page.wait_for_url(f"{base}/queue/")
        # The unassigned badge and tile fill in from the shell's counts.
        # (expect() polls from Playwright's side: a string given to wait_for_function is eval'd in
        # the page, which the CSP refuses once the first check fails.)
        expect(page.locator("#count-unassigned")).to_have_text("1")
        assert page.locator("#tile-unassigned").inner_text() == "1"
        page.fill("#hd-search-q", case.number.split("-")[1])
        page.press("#hd-search-q", "Enter")
        page.wait_for_url(re.compile(r".*/cases/\?q=\d+$"))
        assert page.get_by_test_id("cases").get_by_text(case.number).is_visible()


def test_the_queue_refreshes_itself_keeping_its_filters(live_server, world, setup_a):
    now = timezone.now()
    open_case(world.account_a1, setup_a.urgent, at=now - timedelta(hours=1), subject="First urgent")
    base = live_server.url
    with browser_page() as page:
        page.clock.install()
        sign_in(page, base, world.analyst_a.email, world.password)
        page.wait_for_url(f"{base}/queue/")
        page.goto(f"{base}/queue/?owner=unassigned")
        page.wait_for_load_state("networkidle")
        assert page.get_by_text("First urgent").is_visible()
        # Another user opens a case; the page is not reloaded.
        open_case(world.account_a2, setup_a.urgent, at=timezone.now(), subject="Opened meanwhile")
        page.clock.run_for("00:31")
        page.get_by_text("Opened meanwhile").wait_for()
        assert page.url == f"{base}/queue/?owner=unassigned"
        assert page.locator(".hd-tabs a.active").inner_text() == "Unassigned"


def test_a_refused_dialog_reopens_with_its_errors_and_the_reply_goes_by_keyboard(live_server, world, setup_a):
    case = open_case(world.account_a1, setup_a.normal, at=timezone.now() - timedelta(hours=1), subject="Slow pages")
    base = live_server.url
    with browser_page() as page:
        sign_in(page, base, world.analyst_a.email, world.password)
        page.goto(f"{base}/cases/{case.number}/")
        page.get_by_test_id("actions").get_by_role("button", name="Actions").click()
        page.get_by_role("button", name="Change the priority").click()
        dialog = page.locator("#dialog-priority")
        dialog.get_by_role("button", name="Change the priority").click()  # no reason given
        page.wait_for_load_state("networkidle")
        # The page comes back with the same dialog open, its error summary focused and linking
        # to the field.
        summary = dialog.get_by_test_id("error-summary")
        summary.wait_for(state="visible")
        assert "Why does the priority change?" in summary.inner_text()
        expect(summary).to_be_focused()
        dialog.get_by_role("button", name="Close").click()
        dialog.wait_for(state="hidden")
        # "r" jumps to the composer; Ctrl+Enter sends it as an internal note from its tab.
        page.keyboard.press("r")
        assert page.evaluate("document.activeElement.closest('[data-testid=composer]') !== null")
        page.get_by_role("tab", name="Internal note").click()
        page.get_by_test_id("composer").locator("textarea").fill("Checked the CDN logs.")
        page.get_by_test_id("composer").locator("textarea").press("Control+Enter")
        page.wait_for_selector("text=Your message is on the case.")
        note = page.locator(".hd-msg.is-note", has_text="Checked the CDN logs.")
        assert note.is_visible() and "Internal note" in note.inner_text()


def test_the_admins_top_bar_fits_between_phone_and_wide_screens(live_server, world):
    """The longest navigation (a tenant admin's seven links with their badges) never pushes the
    page sideways: under 1200 px it folds into the menu button, and between 1200 and 1440 px the
    user menu shows its avatar only so the case search keeps room to type a number."""
    base = live_server.url
    with browser_page() as page:
        sign_in(page, base, world.admin_a.email, world.password)
        page.wait_for_load_state("networkidle")
        for width in (1024, 1200, 1280, 1366, 1440):
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(f"{base}/settings/")
            assert page.evaluate("document.documentElement.scrollWidth") <= width, width
            search = page.locator("#hd-search-q")
            if width < 1200:
                assert not search.is_visible() and page.get_by_role("button", name="Menu").is_visible()
            else:
                box = search.bounding_box()
                assert box is not None and box["width"] >= 150, (width, box)
                assert page.get_by_test_id("user-menu").get_by_role("button").is_visible()
