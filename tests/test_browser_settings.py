"""The settings pages in a real browser: an admin uploads a logo and changes the colour and the
app shell shows both; every settings page built here fits 1366 and 375 px and passes axe."""

from __future__ import annotations

import struct
import zlib

import pytest

from tests.support.browser import browser_page, sign_in
from tests.test_browser_pages import _check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def solid_png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A real PNG of one colour (no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def test_an_admin_uploads_a_logo_and_changes_the_colour_and_the_shell_shows_them(live_server, world, tmp_path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(solid_png(64, 32, (200, 30, 30)))
    base = live_server.url
    with browser_page() as page:
        sign_in(page, base, world.admin_a.email, world.password)
        page.wait_for_url(f"{base}/settings/")
        page.get_by_role("link", name="Branding and support numbers").click()
        page.wait_for_url(f"{base}/settings/branding/")
        # A bad number first: the error shows at its field and in the summary, nothing is saved.
        page.fill("#id_support_phone_numbers", "call us maybe")
        page.get_by_test_id("branding-form").get_by_role("button", name="Save").click()
        page.get_by_test_id("error-summary").wait_for()
        assert "does not start with a phone number" in page.locator(".hd-field.has-error").inner_text()
        page.fill("#id_support_phone_numbers", "1-877-282-7436 in the US\n+61 2 9000 0000 outside the US")
        page.fill("#id_brand_colour", "#0a7d5a")
        page.set_input_files("#id_logo", str(logo))
        page.get_by_test_id("branding-form").get_by_role("button", name="Save").click()
        page.wait_for_url(f"{base}/settings/branding/")
        page.get_by_text("Branding and support numbers are saved").wait_for()
        shown = page.get_by_test_id("brand-logo")
        shown.wait_for()
        assert page.evaluate("document.querySelector('[data-testid=brand-logo]').naturalWidth") == 64
        topbar = page.evaluate("getComputedStyle(document.querySelector('.hd-topbar')).backgroundColor")
        assert topbar == "rgb(10, 125, 90)"
        assert "#0a7d5a" in page.get_by_test_id("setting-changes").inner_text()
        # Every page of the tenant shows them, for other users too.
        page.context.clear_cookies()
        sign_in(page, base, world.analyst_a.email, world.password)
        page.wait_for_url(f"{base}/queue/")
        assert page.evaluate("document.querySelector('[data-testid=brand-logo]').naturalWidth") == 64
        topbar = page.evaluate("getComputedStyle(document.querySelector('.hd-topbar')).backgroundColor")
        assert topbar == "rgb(10, 125, 90)"


def test_the_settings_pages_fit_both_widths_and_pass_axe(live_server, world, setup_a):
    base = live_server.url
    visits = [
        ("settings-branding", "/settings/branding/", ["branding-form"]),
        ("settings-staff", "/settings/staff/", ["staff-list", "staff-invite-form"]),
        ("settings-staff-member", f"/settings/staff/{world.analyst_a.pk}/", ["staff-member-form"]),
        ("settings-accounts", "/settings/accounts/", ["account-list"]),
        ("settings-account", f"/settings/accounts/{world.account_a1.pk}/", ["account-form", "store-form"]),
        ("settings-priorities", "/settings/priorities/", ["reference-list", "reference-form"]),
        ("settings-plans", "/settings/plans/", ["reference-list", "reference-form"]),
        ("settings-assignment", "/settings/assignment/", ["assignment-form"]),
    ]
    problems: list[str] = []
    with browser_page() as page:
        sign_in(page, base, world.admin_a.email, world.password)
        page.wait_for_url(f"{base}/settings/")
        for width in (1366, 375):
            page.set_viewport_size({"width": width, "height": 900})
            for name, path, testids in visits:
                page.goto(f"{base}{path}")
                problems += _check(page, name, width, testids)
        # A refused save, as the admin sees it.
        page.goto(f"{base}/settings/staff/{world.analyst_a.pk}/")
        page.fill("#id_shift-mon", "17:00-09:00")
        page.click("button[type=submit] >> text=Save")
        page.get_by_test_id("error-summary").first.wait_for()
        problems += _check(page, "settings-staff-member-refused", 375, ["staff-member-form"])
    assert problems == [], "\n".join(problems)
