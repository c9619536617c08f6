"""Journeys in a real browser: every role signs in and lands on its home; wrong passwords explain."""

from __future__ import annotations

import pytest

from tests.support.browser import browser_page, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_merchant_and_analyst_sign_in_and_out(live_server, world, setup_a, setup_b):
    from tickets.tests.factories import open_case

    open_case(world.account_a2, setup_a.normal, subject="Alpha Two checkout")
    open_case(world.account_b1, setup_b.normal, subject="Bravo One checkout")
    with browser_page() as page:
        sign_in(page, live_server.url, world.merchant_a1.email, world.password)
        page.wait_for_url(f"{live_server.url}/portal/")
        assert world.tenant_a.name in page.get_by_test_id("topbar").inner_text()
        page.get_by_test_id("user-menu").locator("button.dropdown-toggle").click()
        who = page.get_by_test_id("who").inner_text()
        assert "Alpha One" in who and "Merchant" in who and world.merchant_a1.email in who
        sign_out(page)
        page.wait_for_url(f"{live_server.url}/login/")

        sign_in(page, live_server.url, world.analyst_a.email, world.password)
        page.wait_for_url(f"{live_server.url}/queue/")
        assert "Bravo One checkout" not in page.content()
        assert "Alpha Two checkout" in page.content()


def test_wrong_password_shows_the_reason(live_server, world):
    with browser_page() as page:
        sign_in(page, live_server.url, world.analyst_a.email, "not-the-password")
        alert = page.get_by_role("alert").inner_text()
        assert "do not match" in alert
        assert page.url.startswith(f"{live_server.url}/login/")
