"""The analyst's day in a real browser: a merchant replies, the analyst's bell shows it without a
reload, the notification opens the case, and the analyst answers with a saved reply."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import browser_page, sign_in
from tickets.models import Comment, Notification
from tickets.services import canned_reply_save, case_assign, comment_add
from tickets.tests.factories import open_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_merchants_reply_rings_the_bell_and_is_answered_with_a_saved_reply(live_server, world, setup_a):
    case = open_case(world.account_a1, setup_a.normal, subject="Refunds fail")
    case_assign(case=case, actor=world.manager_a, assignee=world.analyst_a)
    canned_reply_save(actor=world.manager_a, title="Looking", body="Hi {merchant_name}, we are on {case_number}.")
    base = live_server.url
    with browser_page() as page:
        refused: list[str] = []
        page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
        page.on("pageerror", lambda error: refused.append(str(error)))
        sign_in(page, base, world.analyst_a.email, world.password)
        page.wait_for_url(f"{base}/queue/")
        before = int(page.get_by_test_id("bell-count").inner_text())
        comment_add(case=case, actor=world.merchant_a1, body="Any news? Customers are waiting.")
        page.evaluate("window.helpdeskBellRefresh()")  # what the 30-second poll does
        expect(page.get_by_test_id("bell-count")).to_have_text(str(before + 1))
        page.get_by_test_id("bell").click()
        page.wait_for_url(f"{base}/notifications/")
        assert "The merchant replied" in page.content()
        page.click("button:has-text('Open')")
        page.wait_for_url(f"{base}/cases/{case.number}/")
        page.select_option("#canned-reply", label="Looking")
        box = page.locator("[data-testid=action-comment] textarea[name=body]")
        expected = f"Hi {world.merchant_a1.get_full_name()}, we are on {case.number}."
        assert box.input_value() == expected
        page.click("[data-testid=action-comment] button[type=submit]")
        page.wait_for_selector("text=Your message is on the case.")
        assert refused == []  # nothing refused by the Content-Security-Policy, no script errors
    reply = Comment.objects.filter(case=case, author=world.analyst_a).get()
    assert reply.body == expected and reply.is_public
    assert Notification.objects.get(kind="customer_replied").read_at is not None
