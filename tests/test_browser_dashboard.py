"""A manager's morning in a real browser: the dashboard's forecast tile leads to the case that
will breach next, and one click hands it to an analyst."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.support.browser import browser_page, sign_in
from tickets.models import Case
from tickets.tests.factories import open_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_drills_from_the_forecast_tile_to_a_case_and_hands_it_over(live_server, world, setup_a):
    case = open_case(world.account_a1, setup_a.normal, at=timezone.now() - timedelta(hours=1), subject="Refunds fail")
    # Whatever the hour the suite runs at, this case's deadline is two hours away.
    Case.objects.for_tenant(world.tenant_a).filter(pk=case.pk).update(sla_due_at=timezone.now() + timedelta(hours=2))
    base = live_server.url
    with browser_page() as page:
        sign_in(page, base, world.manager_a.email, world.password)
        page.wait_for_url(f"{base}/dashboard/")
        # The charts draw in the design's colours: a bar in the brand colour, not the SVG default black.
        bar = page.locator("svg.bars rect.bar").first
        assert bar.evaluate("e => getComputedStyle(e).fill") not in ("rgb(0, 0, 0)", "")
        tile = page.locator(".tiles a", has_text="Will breach within 4 h")
        assert tile.locator(".tile-figure").inner_text() == "1"
        tile.click()
        row = page.get_by_test_id(f"forecast-{case.number}")
        assert "Unassigned" in row.inner_text() and "left" in row.inner_text()
        row.locator(f"a:has-text('{case.number}')").click()
        page.wait_for_url(f"{base}/cases/{case.number}/")
        assert "Refunds fail" in page.content()
        page.go_back()
        row = page.get_by_test_id(f"forecast-{case.number}")
        row.locator("select").select_option(label=world.analyst_a.get_full_name())
        row.locator("button:has-text('Assign')").click()
        page.wait_for_selector(f"text={case.number} is now with {world.analyst_a.get_full_name()}")
        assert world.analyst_a.get_full_name() in page.get_by_test_id(f"forecast-{case.number}").inner_text()
    assert Case.objects.for_tenant(world.tenant_a).get(pk=case.pk).assignee == world.analyst_a
