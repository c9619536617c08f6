"""Concurrent changes on real, separate database connections (one per thread)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from helpdesk.errors import Conflict
from tickets.models import Case, CaseEvent
from tickets.services import case_assign, case_change_priority, case_record_workaround
from tickets.tests.factories import open_case

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*jobs: Callable[[], object]) -> list[BaseException]:
    """Start every job on its own thread (and connection) at the same moment; return their errors."""
    barrier, errors = threading.Barrier(len(jobs)), []

    def worker(job: Callable[[], object]) -> None:
        try:
            barrier.wait()
            job()
        except BaseException as error:  # reported to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_case_numbers_stay_unique_when_many_cases_open_at_once(world, setup_a):
    def open_ten() -> None:
        for n in range(10):
            open_case(world.account_a1, setup_a.normal, subject=f"Burst {n}")

    assert run_together(*[open_ten] * 4) == []
    numbers = list(Case.objects.filter(tenant=world.tenant_a).values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 40
    assert sorted(numbers) == sorted(f"TA-{1001 + n}" for n in range(40))


def test_two_people_changing_one_case_at_once_lose_nothing(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    stale_one, stale_two, stale_three = (Case.objects.get(pk=case.pk) for _ in range(3))
    errors = run_together(
        lambda: case_change_priority(case=stale_one, actor=world.analyst_a, priority=setup_a.urgent, reason="Outage"),
        lambda: case_assign(case=stale_two, actor=world.manager_a, assignee=world.analyst_a),
        lambda: case_record_workaround(case=stale_three, actor=world.analyst_a, workaround="Use the backup gateway"),
    )
    assert errors == []
    case.refresh_from_db()
    assert case.priority == setup_a.urgent
    assert case.assignee == world.analyst_a
    assert case.workaround == "Use the backup gateway"
    assert case.version == 4
    codes = set(CaseEvent.objects.filter(case=case).values_list("code", flat=True))
    assert {"case.priority_changed", "case.assigned", "case.workaround_recorded"} <= codes


def test_a_stale_version_is_refused_with_a_clear_message(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    seen_version = case.version
    case_record_workaround(case=case, actor=world.analyst_a, workaround="Restart the sync")
    with pytest.raises(Conflict, match=r"was changed by someone else since you opened it\. Reload it"):
        case_assign(case=case, actor=world.analyst_a, assignee=world.analyst_a, expected_version=seen_version)
    case.refresh_from_db()
    assert case.assignee is None
    case_assign(case=case, actor=world.analyst_a, assignee=world.analyst_a, expected_version=case.version)


def test_one_form_sent_twice_at_the_same_moment_opens_one_case(world, setup_a):
    from django.test import Client

    data = {
        "submission": "same-token",
        "subject": "Double click",
        "priority": setup_a.normal.pk,
        "category": "incident",
        "description": "Clicked twice.",
    }
    answers = []

    def post() -> None:
        client = Client()
        client.force_login(world.merchant_a1)
        answers.append(client.post("/cases/new/", data)["Location"])

    assert run_together(post, post) == []
    case = Case.objects.get(tenant=world.tenant_a)
    assert answers == [f"/cases/{case.number}/"] * 2
