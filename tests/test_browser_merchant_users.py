"""An account's merchant users in a real browser: the admin goes from the account's page to its
merchant users, invites one and sees them listed as invited; the page, its invitation errors and
the refusal to deactivate the technical contact fit 1366 and 375 px with no serious axe violation."""

from __future__ import annotations

import pytest

from helpdesk.models import Role, User
from helpdesk.services import user_create
from tests.support.browser import browser_page, sign_in
from tests.test_browser_pages import WIDTHS, _check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
EMAIL = "a.very.long.address.for.a.buyer.of.alpha.one@alpha-one-example-shop.test"


def test_an_admin_invites_a_merchant_user_from_the_account_page(live_server, world):
    base = live_server.url
    with browser_page() as page:
        sign_in(page, base, world.admin_a.email, world.password)
        page.wait_for_load_state("networkidle")
        page.goto(f"{base}/settings/accounts/{world.account_a1.pk}/")
        page.get_by_test_id("account-users-link").click()
        form = page.get_by_test_id("merchant-invite-form")
        form.get_by_label("E-mail").fill("sam@alpha-one.test")
        form.get_by_label("Name").fill("Sam Shop")
        form.get_by_role("button", name="Send the invitation").click()
        page.wait_for_selector("text=sam@alpha-one.test is invited")
        user = User.objects.get(email="sam@alpha-one.test")
        row = page.get_by_test_id(f"merchant-{user.pk}")
        assert "Sam Shop" in row.inner_text() and "Invited" in row.inner_text()
        assert page.get_by_test_id(f"merchant-{world.merchant_a1.pk}").get_by_test_id("technical-contact").is_visible()
    assert (user.role, user.account_id) == (Role.MERCHANT, world.account_a1.pk)


def test_the_merchant_users_page_fits_both_widths_and_passes_axe(live_server, world):
    long_name = "Bartholomew Fitzgerald-Montgomery of the Very Long Department Name"
    user_create(
        tenant=world.tenant_a,
        email=EMAIL,
        role=Role.MERCHANT,
        account=world.account_a1,
        full_name=long_name,
    )
    url = f"{live_server.url}/settings/accounts/{world.account_a1.pk}/users/"
    contact_url = f"/settings/merchant-users/{world.merchant_a1.pk}/"
    problems: list[str] = []
    with browser_page() as page:
        sign_in(page, live_server.url, world.admin_a.email, world.password)
        page.wait_for_load_state("networkidle")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(url)
            problems += _check(page, "merchant-users", width, ["merchant-list", "merchant-invite-form"])
            page.get_by_test_id("merchant-invite-form").get_by_role("button", name="Send the invitation").click()
            page.wait_for_selector("[data-testid=error-summary]")
            problems += _check(page, "merchant-users-errors", width, ["error-summary"])
            page.goto(url)
            # The contact's row has no Deactivate button; a page drawn before it became the contact had one.
            deactivate = page.get_by_role("button", name=f"Deactivate {EMAIL}")
            deactivate.evaluate("(button, url) => { button.form.action = url; }", contact_url)
            deactivate.click()
            page.wait_for_selector("[data-testid=merchant-refused]")
            problems += _check(page, "merchant-users-refused", width, ["merchant-refused"])
    assert problems == [], "\n".join(problems)
