"""The queue's bulk take and sort, the composer's files and the properties panel's inline edits,
and the SLA timers' "why this deadline" sentence, in a real browser."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.support.browser import browser_page, sign_in
from tickets.models import Attachment, Case, Comment
from tickets.tests.factories import open_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_bulk_take_from_the_queue(live_server, world, setup_a):
    now = timezone.now()
    cases = [
        open_case(world.account_a1, setup_a.normal, at=now - timedelta(hours=i), subject=f"Bulk {i}") for i in range(3)
    ]
    base = live_server.url
    with browser_page() as page:
        sign_in(page, base, world.analyst_a.email, world.password)
        page.wait_for_url(f"{base}/queue/")
        bar = page.get_by_test_id("bulk-bar")
        assert not bar.is_visible()  # nothing ticked: no bar
        page.get_by_test_id(f"pick-{cases[0].number}").check()
        page.get_by_test_id(f"pick-{cases[2].number}").check()
        bar.wait_for(state="visible")
        assert "2 selected" in bar.inner_text()
        bar.get_by_test_id("bulk-take").click()
        page.wait_for_selector("text=You own 2 more")
    taken = Case.objects.filter(assignee=world.analyst_a).values_list("number", flat=True)
    assert sorted(taken) == sorted([cases[0].number, cases[2].number])


def test_the_sort_and_the_ticks_survive_the_live_refresh(live_server, world, setup_a):
    now = timezone.now()
    first = open_case(world.account_a1, setup_a.normal, at=now - timedelta(hours=2), subject="Older one")
    base = live_server.url
    with browser_page() as page:
        page.clock.install()
        sign_in(page, base, world.analyst_a.email, world.password)
        page.wait_for_url(f"{base}/queue/")
        page.get_by_test_id("sort-number").click()  # oldest number first
        page.wait_for_url(f"{base}/queue/?sort=number")
        page.get_by_test_id("sort-number").click()  # and the other way: newest first
        page.wait_for_url(f"{base}/queue/?sort=-number")
        page.get_by_test_id(f"pick-{first.number}").check()
        newer = open_case(world.account_a2, setup_a.low, at=timezone.now(), subject="Opened meanwhile")
        page.clock.run_for("00:31")
        page.get_by_text("Opened meanwhile").wait_for()
        rows = page.locator("[data-testid=cases] tbody tr td.hd-case-number").all_inner_texts()
        assert rows[:2] == [newer.number, first.number]
        assert page.url == f"{base}/queue/?sort=-number"
        assert page.get_by_test_id(f"pick-{first.number}").is_checked()
        assert page.locator("th[aria-sort=descending]").text_content().startswith("Case")


def test_a_reply_with_a_file_in_one_submit(live_server, world, setup_a, tmp_path):
    case = open_case(world.account_a1, setup_a.normal, at=timezone.now() - timedelta(hours=1), subject="Slow pages")
    shot = tmp_path / "screen.png"
    shot.write_bytes(PNG)
    base = live_server.url
    with browser_page() as page:
        sign_in(page, base, world.merchant_a1.email, world.password)
        page.goto(f"{base}/cases/{case.number}/")
        composer = page.get_by_test_id("composer")
        assert "Enter" in composer.get_by_test_id("send-hint").inner_text()
        composer.locator("textarea").fill("Here is what I see.")
        composer.locator("input[type=file]").set_input_files(str(shot))
        composer.locator("textarea").press("Control+Enter")
        page.wait_for_selector("text=Your message is on the case.")
        assert page.get_by_test_id("timeline").get_by_text("screen.png").first.is_visible()
    assert Comment.objects.filter(case=case, body="Here is what I see.").count() == 1
    assert list(Attachment.objects.filter(case=case).values_list("filename", flat=True)) == ["screen.png"]


def test_an_inline_priority_change_shows_its_error_at_the_field(live_server, world, setup_a):
    case = open_case(world.account_a1, setup_a.normal, at=timezone.now() - timedelta(hours=1), subject="Slow pages")
    base = live_server.url
    with browser_page() as page:
        sign_in(page, base, world.analyst_a.email, world.password)
        page.goto(f"{base}/cases/{case.number}/")
        page.get_by_test_id("properties").get_by_test_id("edit-priority").click()
        dialog = page.locator("#dialog-priority")
        dialog.wait_for(state="visible")
        dialog.get_by_label("New priority").select_option(label="Urgent")
        dialog.get_by_role("button", name="Change the priority").click()  # no reason given
        dialog.get_by_test_id("error-summary").wait_for(state="visible")
        field_error = dialog.locator(".hd-field.has-error .errors")
        assert "This field is required" in field_error.inner_text()
        dialog.get_by_label("Why does the priority change?").fill("The whole shop is down.")
        dialog.get_by_role("button", name="Change the priority").click()
        page.wait_for_selector("text=Priority changed")
        assert "Urgent" in page.get_by_test_id("properties").inner_text()


def test_why_this_deadline_is_a_sentence_under_each_timer(live_server, world, setup_a):
    case = open_case(world.account_a1, setup_a.normal, at=timezone.now() - timedelta(hours=1), subject="Slow pages")
    base = live_server.url
    with browser_page() as page:
        sign_in(page, base, world.merchant_a1.email, world.password)
        page.goto(f"{base}/cases/{case.number}/")
        why = page.get_by_test_id("sla").locator("details.hd-why").first
        why.locator("summary").click()
        sentence = why.get_by_test_id("why-sentence").inner_text()
        assert sentence.startswith("Opened ") and "→" in sentence and "business hours" in sentence
