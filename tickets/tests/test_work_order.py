"""The work order (PRODUCT.md): open cases at a priority worked ahead of all others first, whatever
their deadlines; within each group the earliest running deadline, then cases without one, oldest
first. The queue, the case lists and the API's default order all follow it."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from rest_framework.test import APIClient

from helpdesk.services import api_key_create
from helpdesk.tenancy import Scope
from sla.presets import MAGENTO_OMS, STORECONNECT
from tickets.models import OTHER_RANK, WORKED_FIRST_RANK, Case, Priority
from tickets.selectors import case_list
from tickets.services import (
    case_change_priority,
    case_close,
    case_propose_resolution,
    case_reopen,
    comment_add,
    preset_apply,
    priority_cases_rerank,
)
from tickets.sla_sweeps import sweep_breaches
from tickets.tests.factories import MONDAY_9, open_case, syd

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)


@pytest.fixture
def urgent(setup_a):
    setup_a.urgent.worked_first = True
    setup_a.urgent.save(update_fields=["worked_first"])
    return setup_a.urgent


def numbers(world, **filters) -> list[str]:
    scope = Scope(world.tenant_a, world.analyst_a, None)
    return list(case_list(scope=scope, **filters).values_list("number", flat=True))


def test_a_critical_case_whose_first_response_was_met_precedes_a_breached_high_case(world, setup_a, urgent):
    breached = open_case(world.account_a1, setup_a.normal, subject="Breached normal")  # response due 13:00
    critical = open_case(world.account_a1, urgent, subject="Critical", at=MONDAY_9 + H)
    comment_add(case=critical, actor=world.analyst_a, body="On it", at=MONDAY_9 + 2 * H)  # response met
    assert sweep_breaches(now=syd(2026, 11, 23, 13, 1)) == 1
    breached.refresh_from_db()
    critical.refresh_from_db()
    assert critical.sla_due_at > breached.sla_due_at  # later deadline, yet first:
    assert numbers(world) == [critical.number, breached.number]


def test_within_each_group_the_earliest_deadline_then_no_deadline_then_oldest(world, setup_a, urgent):
    low_old = open_case(world.account_a1, setup_a.low, subject="Low, no target, old")
    normal_late = open_case(world.account_a1, setup_a.normal, at=MONDAY_9 + 2 * H)
    normal_soon = open_case(world.account_a1, setup_a.normal, at=MONDAY_9 + H)
    low_new = open_case(world.account_a1, setup_a.low, at=MONDAY_9 + 3 * H)
    urgent_late = open_case(world.account_a1, urgent, at=MONDAY_9 + 2 * H)
    urgent_soon = open_case(world.account_a1, urgent, at=MONDAY_9 + H)
    assert numbers(world) == [
        urgent_soon.number,
        urgent_late.number,
        normal_soon.number,
        normal_late.number,
        low_old.number,
        low_new.number,
    ]


def test_the_flag_follows_status_and_priority_changes(world, setup_a, urgent):
    case = open_case(world.account_a1, setup_a.normal)
    assert case.work_rank == OTHER_RANK
    case = case_change_priority(case=case, actor=world.analyst_a, priority=urgent, reason="Store down")
    assert Case.objects.get(pk=case.pk).work_rank == WORKED_FIRST_RANK
    case = case_propose_resolution(case=case, actor=world.analyst_a, summary="Fixed")
    assert Case.objects.get(pk=case.pk).work_rank == OTHER_RANK  # resolved: not worked any more
    case_close(case=case, actor=world.analyst_a, note="Agreed")
    assert Case.objects.get(pk=case.pk).work_rank == OTHER_RANK  # a closed case is not worked at all
    case_reopen(case=case, actor=world.merchant_a1, reason="Down again")
    assert Case.objects.get(pk=case.pk).work_rank == WORKED_FIRST_RANK


def test_setting_the_flag_on_a_priority_moves_its_open_cases_only(world, setup_a):
    open_now = open_case(world.account_a1, setup_a.urgent)
    closed = open_case(world.account_a1, setup_a.urgent)
    case_propose_resolution(case=closed, actor=world.analyst_a, summary="Fixed")
    case_close(case=closed, actor=world.analyst_a)
    assert open_now.work_rank == OTHER_RANK
    setup_a.urgent.worked_first = True
    assert priority_cases_rerank(priority=setup_a.urgent) == 1
    ranks = dict(Case.objects.filter(priority=setup_a.urgent).values_list("number", "work_rank"))
    assert ranks == {open_now.number: WORKED_FIRST_RANK, closed.number: OTHER_RANK}


def test_the_admin_changing_the_flag_reorders_the_queue(client, world, setup_a):
    normal = open_case(world.account_a1, setup_a.normal)
    urgent_case = open_case(world.account_a1, setup_a.urgent, at=MONDAY_9 + 3 * H)
    assert numbers(world)[0] == normal.number
    client.force_login(world.admin_a)
    url = f"/admin/tickets/priority/{setup_a.urgent.pk}/change/"
    form = {"name": "Urgent", "rank": 1, "criteria": "", "worked_first": "on", "must_phone": "on"}
    assert client.post(url, form).status_code == 302
    assert numbers(world)[0] == urgent_case.number


def test_both_presets_flag_their_top_levels(world):
    preset_apply(tenant=world.tenant_a, preset=STORECONNECT)
    preset_apply(tenant=world.tenant_b, preset=MAGENTO_OMS)
    flagged = set(Priority.objects.filter(worked_first=True).values_list("tenant__slug", "name"))
    assert flagged == {("tenant-a", "Critical"), ("tenant-b", "System Application Outage"), ("tenant-b", "P1")}


def test_the_migration_flags_existing_tenants_levels_and_their_open_cases(world, setup_b):
    preset_apply(tenant=world.tenant_a, preset=STORECONNECT)
    Priority.objects.update(worked_first=False)  # as before the migration
    critical = Priority.objects.get(tenant=world.tenant_a, name="Critical")
    case = open_case(world.account_a1, critical)
    Case.objects.filter(pk=case.pk).update(work_rank=OTHER_RANK)
    migration = importlib.import_module("tickets.migrations.0011_work_order")
    migration.flag_worked_first(apps, None)
    assert set(Priority.objects.filter(worked_first=True).values_list("name", flat=True)) == {"Critical"}
    assert Case.objects.get(pk=case.pk).work_rank == WORKED_FIRST_RANK


def test_the_api_default_order_is_the_work_order_across_pages(world, setup_a, urgent):
    cases = [open_case(world.account_a1, setup_a.normal, at=MONDAY_9 + n * H / 4) for n in range(3)]
    cases += [open_case(world.account_a1, urgent, at=MONDAY_9 + n * H / 4) for n in range(3)]
    _, raw = api_key_create(user=world.analyst_a)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    seen, cursor = [], ""
    while True:
        page = client.get(f"/api/v1/cases/?limit=2{'&cursor=' + cursor if cursor else ''}").json()
        seen += [row["number"] for row in page["results"]]
        if not page["next"]:
            break
        cursor = page["next"]
    assert seen == numbers(world)
    assert seen[:3] == [c.number for c in cases[3:]]


def test_the_queue_page_lists_worked_first_cases_on_top(client, world, setup_a, urgent):
    normal = open_case(world.account_a1, setup_a.normal)
    critical = open_case(world.account_a1, urgent, at=MONDAY_9 + 5 * H)
    client.force_login(world.analyst_a)
    page = client.get("/queue/").content.decode()
    assert page.index(critical.number) < page.index(normal.number)


def test_the_cursor_knows_the_last_group_of_the_work_order():
    from helpdesk.api.pagination import LAST_WORK_RANK

    assert LAST_WORK_RANK == OTHER_RANK
