"""Re-take the README's screenshots (docs/screenshots/) from a running demo (`make demo`, or
`manage.py seed_demo` and `runserver`): the analyst's queue, the case workspace and the merchant's
portal, at 1366 and 375 px, with Debian's Chromium.

    .venv/bin/python scripts/readme_screenshots.py http://127.0.0.1:8000
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PASSWORD = "demo12345"  # noqa: S105  # nosec B105  # the demo data's published password
WIDTHS = {1366: "", 375: "-375"}


def _sign_in(page: Page, base: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def _shoot(page: Page, base: str, path: str, name: str, *, open_why: bool = False) -> None:
    for width, suffix in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{base}{path}")
        page.wait_for_load_state("networkidle")
        if open_why:
            page.locator("details.hd-why summary").first.click()
        page.screenshot(path=str(OUT / f"{name}{suffix}.png"), full_page=width > 600 or name != "case")


def main(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
        page = browser.new_page()
        _sign_in(page, base, "analyst@storeconnect.test")
        _shoot(page, base, "/queue/", "queue")
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto(f"{base}/queue/")
        case = page.locator("[data-testid=cases] td.hd-case-number a").first.inner_text()
        _shoot(page, base, f"/cases/{case}/", "case", open_why=True)
        _sign_in(page, base, "merchant@harbour-homewares.test")
        _shoot(page, base, "/portal/", "portal")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
