"""Headless Chromium for page tests: Debian's /usr/bin/chromium driven by Playwright."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
# Chromium's background services try to reach the internet, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def browser_page() -> Iterator[Page]:
    # Playwright's sync API runs an event loop in this thread; Django's ORM guard would refuse
    # the test's own database calls while it runs.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(10_000)
            yield page
        finally:
            browser.close()


def sign_in(page: Page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def sign_out(page: Page) -> None:
    """Sign out through the user menu in the top bar."""
    menu = page.get_by_test_id("user-menu")
    toggle = menu.locator("button.dropdown-toggle")
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    menu.get_by_role("button", name="Sign out").click()
