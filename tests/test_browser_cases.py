"""A case's whole life in a real browser: the merchant opens it on the portal form, the analyst
takes it and proposes the resolution, the merchant confirms."""

from __future__ import annotations

import pytest

from tests.support.browser import browser_page, sign_in, sign_out
from tickets.models import Case, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_case_from_the_portal_form_to_closed(live_server, world, setup_a):
    setup_a.normal.criteria = "Some customers are affected."
    setup_a.normal.save()
    world.tenant_a.support_phone_numbers = ["1-800-555-0100"]
    world.tenant_a.save()
    base = live_server.url
    with browser_page() as page:
        sign_in(page, base, world.merchant_a1.email, world.password)
        page.wait_for_url(f"{base}/portal/")
        page.click("text=Open a new case")
        page.click("main button:has-text('Open the case')")  # nothing filled in: the form explains
        assert page.locator(".errors").count() >= 3
        page.fill("input[name=subject]", "Refunds fail")
        note = page.get_by_test_id("phone-note")
        assert not note.is_visible()
        page.check("text=Urgent (also call us)")  # a level that must be phoned in shows the numbers
        assert note.is_visible() and "1-800-555-0100" in note.inner_text()
        page.check("text=Normal: Some customers are affected.")
        assert not note.is_visible()
        page.fill("textarea[name=description]", "Every refund shows an error.")
        page.fill("textarea[name=recent_changes]", "New payment plug-in on Friday.")
        page.click("main button:has-text('Open the case')")
        page.wait_for_selector("text=is open")
        case = Case.objects.get()
        assert page.url == f"{base}/cases/{case.number}/"
        assert "Due" in page.get_by_test_id("sla").inner_text()
        sign_out(page)

        sign_in(page, base, world.analyst_a.email, world.password)
        page.wait_for_url(f"{base}/queue/")
        page.click(f"text={case.number}")
        page.click("button:has-text('Take this case')")
        page.wait_for_selector("text=You own this case now.")
        page.get_by_test_id("actions").get_by_role("button", name="Actions").click()
        page.get_by_role("button", name="Propose the resolution").click()
        page.fill("[data-testid=action-resolve] textarea[name=message]", "Updated the plug-in's API key.")
        page.click("[data-testid=action-resolve] button[type=submit]")
        page.wait_for_selector("text=Resolution proposed")
        sign_out(page)

        sign_in(page, base, world.merchant_a1.email, world.password)
        page.goto(f"{base}/cases/{case.number}/")
        assert "Updated the plug-in's API key." in page.content()
        page.click("text=Confirm the resolution")
        page.click("main button[type=submit]")
        page.wait_for_selector("text=is closed")
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.assignee == world.analyst_a
