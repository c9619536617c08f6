"""The settings pages this round added, in a real browser: an admin invites a partner, links an
account, adds an account and removes a store nothing uses; a priority in use offers to be retired;
every page fits 1366 and 375 px with no serious axe violation. The dashboard's forecast counts
down live, as the queue does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from helpdesk.models import Account, PartnerLink, Role, Store, User
from helpdesk.services import partner_link_accounts, store_create, user_create
from tests.support.browser import browser_page, sign_in
from tests.test_browser_pages import WIDTHS, _check
from tickets.models import Case
from tickets.tests.factories import open_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_keeps_partners_accounts_and_stores_in_the_product(live_server, world, setup_a):
    open_case(world.account_a1, setup_a.urgent, at=timezone.now() - timedelta(hours=1))
    spare = store_create(account=world.account_a1, name="Old pop-up shop", url="https://old.example")
    base = live_server.url
    with browser_page() as page:
        sign_in(page, base, world.admin_a.email, world.password)
        page.wait_for_load_state("networkidle")
        page.goto(f"{base}/settings/partners/")
        form = page.get_by_test_id("partner-invite-form")
        form.get_by_label("E-mail").fill("pia@agency.test")
        form.get_by_label("Name").fill("Pia Parker (Agency)")
        form.get_by_label("Alpha One").check()
        form.get_by_role("button", name="Send the invitation").click()
        page.wait_for_selector("text=pia@agency.test is invited")
        page.get_by_role("link", name="Pia Parker (Agency)").click()
        page.get_by_label("Alpha Two").check()
        page.get_by_role("button", name="Save").click()
        page.wait_for_selector("text=Pia Parker (Agency) is saved.")
        page.goto(f"{base}/settings/accounts/new/")
        page.get_by_label("Account name").fill("Harbour Homewares")
        page.get_by_label("Short name").fill("harbour-homewares")
        page.get_by_label("Technical contact's name").fill("Hana Harbour")
        page.get_by_label("Technical contact's e-mail").fill("hana@harbour.test")
        page.get_by_role("button", name="Add the account").click()
        page.wait_for_selector("text=Harbour Homewares is added")
        page.goto(f"{base}/settings/accounts/{world.account_a1.pk}/")
        page.get_by_role("link", name="Remove Old pop-up shop").click()
        page.get_by_role("button", name="Remove Store Old pop-up shop of Alpha One").click()
        page.wait_for_selector("text=Store Old pop-up shop of Alpha One is removed.")
        page.goto(f"{base}/settings/priorities/{setup_a.urgent.pk}/remove/")
        assert page.get_by_test_id("instead-link").inner_text() == "Retire it instead"
    partner = User.objects.get(email="pia@agency.test")
    assert partner.role == Role.PARTNER
    linked = PartnerLink.objects.filter(user=partner).values_list("account__slug", flat=True)
    assert sorted(linked) == ["alpha-one", "alpha-two"]
    assert Account.objects.filter(tenant=world.tenant_a, slug="harbour-homewares").exists()
    assert not Store.objects.filter(pk=spare.pk).exists()


def test_the_new_settings_pages_fit_both_widths_and_pass_axe(live_server, world, setup_a):
    open_case(world.account_a1, setup_a.urgent, at=timezone.now() - timedelta(hours=1))
    partner = user_create(tenant=world.tenant_a, email="pia@agency.test", role=Role.PARTNER, full_name="Pia")
    partner_link_accounts(user=partner, accounts=[world.account_a1, world.account_a2])
    store = store_create(account=world.account_a1, name="Main shop", url="https://main.example")
    visits = [
        ("partners", "/settings/partners/", ["partner-list", "partner-invite-form"]),
        ("partner", f"/settings/partners/{partner.pk}/", ["partner-form"]),
        ("accounts", "/settings/accounts/", ["account-list", "account-new"]),
        ("account-new", "/settings/accounts/new/", ["account-new-form"]),
        ("account", f"/settings/accounts/{world.account_a1.pk}/", ["account-partners", "account-stores"]),
        ("remove-in-use", f"/settings/priorities/{setup_a.urgent.pk}/remove/", ["in-use", "instead-link"]),
        ("remove-store", f"/settings/stores/{store.pk}/remove/", ["remove-form"]),
    ]
    base = live_server.url
    problems: list[str] = []
    with browser_page() as page:
        sign_in(page, base, world.admin_a.email, world.password)
        page.wait_for_load_state("networkidle")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for name, path, testids in visits:
                page.goto(f"{base}{path}")
                problems += _check(page, name, width, testids)
            page.goto(f"{base}/settings/accounts/new/")
            page.get_by_role("button", name="Add the account").click()  # everything missing
            page.wait_for_selector("[data-testid=error-summary]")
            problems += _check(page, "account-new-errors", width, ["error-summary"])
    assert problems == [], "\n".join(problems)


def test_the_forecast_countdown_ticks_like_the_queues(live_server, world, setup_a):
    case = open_case(world.account_a1, setup_a.normal, at=timezone.now() - timedelta(hours=1), subject="Refunds fail")
    Case.objects.for_tenant(world.tenant_a).filter(pk=case.pk).update(sla_due_at=timezone.now() + timedelta(hours=2))
    base = live_server.url
    with browser_page() as page:
        sign_in(page, base, world.manager_a.email, world.password)
        page.wait_for_url(f"{base}/dashboard/")
        page.clock.install()  # the page's own clock, moved on below without waiting
        page.reload()
        countdown = page.get_by_test_id(f"forecast-{case.number}").locator(".hd-countdown-text")
        assert countdown.inner_text() in ("1 h 59 m left", "2 h left")
        page.clock.run_for(31 * 60 * 1000)
        assert countdown.inner_text() in ("1 h 28 m left", "1 h 29 m left")
        page.clock.run_for(2 * 60 * 60 * 1000)
        assert "overdue" in countdown.inner_text()
        classes = page.get_by_test_id(f"forecast-{case.number}").locator(".hd-countdown").get_attribute("class")
        assert classes is not None and "is-late" in classes.split()
