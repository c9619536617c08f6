"""The benchmarks' data generator (bench/data) at a tiny size against PostgreSQL: the mixes, the
per-case averages, that every generated row stays inside its tenant, that the stored sort columns
and counters are what the services would store, and that the queue and the API list read it."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test import Client

from bench.data import vocabulary
from bench.data.generate import ensure_dataset
from demo.seed import seed_demo
from helpdesk.models import Tenant, User
from tickets.models import Case

SIZE = 2000


def _rows(sql: str, params: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall()


def _one(sql: str, params: list | None = None):
    return _rows(sql, params)[0][0]


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """The data set, made once for the module inside a transaction rolled back at its end (making it
    takes a while); returns the last case id before it, so the generated cases are those above."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo()  # the generator seeds it too (once); here first, to know where its cases end
        before = _one("SELECT coalesce(max(id), 0) FROM tickets_case")
        made = ensure_dataset(None, SIZE, workers=1)
        assert made["made"] is True
        yield before
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_size_the_heavy_tenant_and_a_second_call_that_does_nothing(generated):
    assert _one("SELECT count(*) FROM tickets_case WHERE id > %s", [generated]) == SIZE
    heavy = Tenant.objects.get(slug="storeconnect")
    open_generated = Case.objects.filter(tenant=heavy, pk__gt=generated).exclude(status__in=["closed", "resolved"])
    assert open_generated.count() == SIZE // 10
    assert Tenant.objects.filter(slug__startswith="bench-").count() == 10
    assert User.objects.filter(email="analyst@storeconnect.test").exists()  # the demo's logins stay
    assert ensure_dataset(None, SIZE, workers=1) == {"cases": SIZE, "made": False}
    assert _one("SELECT count(*) FROM tickets_case WHERE id > %s", [generated]) == SIZE


@pytest.mark.django_db
def test_the_indexes_set_aside_while_copying_are_all_built_again(generated):
    # The generator drops the tables' secondary indexes while it copies and builds them at the end.
    assert _one("SELECT count(*) FROM bench_set_aside_index") == 0
    names = {row[0] for row in _rows("SELECT indexname FROM pg_indexes WHERE tablename = 'tickets_case'")}
    assert {"case_open_figures", "case_work_order", "case_account_recent", "case_updated"} <= names
    assert _one("SELECT count(*) FROM pg_indexes WHERE tablename = 'tickets_caseevent'") >= 2


@pytest.mark.django_db
def test_status_priority_and_plan_mixes(generated):
    by_status = dict(_rows("SELECT status, count(*) FROM tickets_case WHERE id > %s GROUP BY 1", [generated]))
    assert set(by_status) == {"new", "open", "waiting_on_customer", "reopened", "resolved", "closed"}
    assert 0.70 < by_status["closed"] / SIZE < 0.90
    by_rank = dict(
        _rows(
            "SELECT p.rank, count(*) FROM tickets_case c JOIN tickets_priority p ON p.id = c.priority_id "
            "WHERE c.id > %s GROUP BY 1",
            [generated],
        )
    )
    assert set(by_rank) == {1, 2, 3, 4}
    assert by_rank[1] < by_rank[2] < by_rank[3]  # few critical, most in the middle
    plans = _one(
        "SELECT count(DISTINCT c.plan_id) FROM tickets_case c JOIN helpdesk_tenant t ON t.id = c.tenant_id "
        "WHERE t.slug = 'storeconnect' AND c.id > %s",
        [generated],
    )
    assert plans == 4
    distinct_subjects = _one("SELECT count(DISTINCT subject) FROM tickets_case WHERE id > %s", [generated])
    assert distinct_subjects > SIZE // 2  # combinations, not one repeated case


@pytest.mark.django_db
def test_about_three_comments_and_six_events_a_case_and_clocks_in_every_state(generated):
    comments = _one("SELECT count(*) FROM tickets_comment WHERE case_id > %s", [generated])
    events = _one("SELECT count(*) FROM tickets_caseevent WHERE case_id > %s", [generated])
    assert 2.5 <= comments / SIZE <= 3.5
    assert 5.0 <= events / SIZE <= 7.0
    states = dict(
        _rows(
            "SELECT CASE WHEN breached_at IS NOT NULL THEN 'breached' WHEN met_at IS NOT NULL THEN 'met' "
            "WHEN due_at IS NULL THEN 'paused' WHEN warned_at IS NOT NULL THEN 'at risk' ELSE 'running' END, "
            "count(*) FROM sla_slaclock WHERE case_id > %s GROUP BY 1",
            [generated],
        )
    )
    assert set(states) == {"running", "at risk", "paused", "met", "breached"}
    # Paused clocks belong to cases waiting on the merchant, each with its one running pause.
    assert (
        _one(
            "SELECT count(*) FROM sla_slaclock k JOIN tickets_case c ON c.id = k.case_id "
            "LEFT JOIN sla_casepause p ON p.case_id = c.id AND p.ended_at IS NULL "
            "WHERE k.case_id > %s AND k.due_at IS NULL AND (c.status <> 'waiting_on_customer' OR p.id IS NULL)",
            [generated],
        )
        == 0
    )
    # Nothing is left for the breach sweep: a running clock past its deadline was recorded as breached.
    assert (
        _one(
            "SELECT count(*) FROM sla_slaclock WHERE case_id > %s AND met_at IS NULL AND breached_at IS NULL "
            "AND due_at <= now() - interval '1 minute'",
            [generated],
        )
        == 0
    )


CROSS_TENANT = {
    "case → account": "tickets_case x JOIN helpdesk_account o ON o.id = x.account_id",
    "case → requester": "tickets_case x JOIN helpdesk_user o ON o.id = x.requester_id",
    "case → assignee": "tickets_case x JOIN helpdesk_user o ON o.id = x.assignee_id",
    "case → priority": "tickets_case x JOIN tickets_priority o ON o.id = x.priority_id",
    "case → plan": "tickets_case x JOIN tickets_plan o ON o.id = x.plan_id",
    "case → policy": "tickets_case x JOIN sla_slapolicy o ON o.id = x.sla_policy_id",
    "clock → case": "sla_slaclock x JOIN tickets_case o ON o.id = x.case_id",
    "clock → calendar": "sla_slaclock x JOIN sla_calendar o ON o.id = x.calendar_id",
    "pause → case": "sla_casepause x JOIN tickets_case o ON o.id = x.case_id",
    "comment → case": "tickets_comment x JOIN tickets_case o ON o.id = x.case_id",
    "comment → author": "tickets_comment x JOIN helpdesk_user o ON o.id = x.author_id",
    "event → case": "tickets_caseevent x JOIN tickets_case o ON o.id = x.case_id",
    "event → actor": "tickets_caseevent x JOIN helpdesk_user o ON o.id = x.actor_id",
}


@pytest.mark.django_db
def test_no_generated_row_points_into_another_tenant_or_nowhere(generated):
    # The generator copies with the foreign-key checks off: every reference must resolve.
    dangling = {
        name: found
        for name, join in CROSS_TENANT.items()
        if (found := _one(f"SELECT count(*) FROM {join.replace(' JOIN ', ' LEFT JOIN ')} "  # noqa: S608
                          f"WHERE o.id IS NULL AND x.{join.split('= x.')[1]} IS NOT NULL"))
    }  # fmt: skip
    assert dangling == {}
    crossing = {
        name: found
        for name, join in CROSS_TENANT.items()
        if (found := _one(f"SELECT count(*) FROM {join} WHERE x.tenant_id <> o.tenant_id"))  # noqa: S608
    }
    assert crossing == {}
    # and the merchant who opened a case belongs to its account
    assert (
        _one(
            "SELECT count(*) FROM tickets_case c JOIN helpdesk_user u ON u.id = c.requester_id "
            "WHERE c.id > %s AND u.account_id <> c.account_id",
            [generated],
        )
        == 0
    )


@pytest.mark.django_db
def test_sort_columns_numbers_and_counters_are_what_the_services_store(generated):
    wrong_due = _one(
        "SELECT count(*) FROM tickets_case c WHERE c.id > %s AND c.sla_due_at IS DISTINCT FROM "
        "(SELECT min(k.due_at) FROM sla_slaclock k WHERE k.case_id = c.id AND k.met_at IS NULL)",
        [generated],
    )
    assert wrong_due == 0
    wrong_rank = _one(
        "SELECT count(*) FROM tickets_case c JOIN tickets_priority p ON p.id = c.priority_id WHERE c.id > %s "
        "AND c.work_rank <> CASE WHEN c.status IN ('new', 'open', 'waiting_on_customer', 'reopened') "
        "AND p.worked_first THEN 1 ELSE 2 END",
        [generated],
    )
    assert wrong_rank == 0
    behind = _one(
        "SELECT count(*) FROM tickets_casesequence s WHERE s.last_number < (SELECT max(split_part(c.number, '-', 2)"
        "::int) FROM tickets_case c WHERE c.tenant_id = s.tenant_id)"
    )
    assert behind == 0
    assert _one("SELECT count(*) FROM reports_dailyslatally") > 0  # the dashboard's roll-ups were counted
    assert _one("SELECT count(*) FROM tickets_dailyaccountsla") > 0  # and the customer SLA report's


@pytest.mark.django_db
def test_the_queue_and_the_api_list_read_the_generated_cases(generated):
    client = Client()
    client.force_login(User.objects.get(email="analyst@storeconnect.test"))
    first = Case.objects.filter(tenant__slug="storeconnect", pk__gt=generated, status="open").first()
    page = client.get("/queue/")
    assert page.status_code == 200
    assert b"SC-" in page.content
    found = client.get(f"/queue/?q={first.number}")
    assert found.status_code == 200
    assert first.number.encode() in found.content
    listed = client.get("/api/v1/cases/")
    assert listed.status_code == 200
    assert len(listed.json()["results"]) > 0
    assert client.get(f"/cases/{first.number}/").status_code == 200


def test_the_vocabulary_needs_no_escaping_in_copy_text():
    words = [*vocabulary.THINGS, *vocabulary.SYMPTOMS, *vocabulary.WHERE, *vocabulary.OPENINGS, *vocabulary.DETAILS]
    words += [*vocabulary.IMPACTS, *vocabulary.REPLIES, *vocabulary.MERCHANT_REPLIES, *vocabulary.NOTES]
    assert [word for word in words if {"\t", "\n", "\\", '"'} & set(word)] == []


@pytest.mark.django_db
def test_explain_shows_the_plans_of_a_pages_slowest_statements(generated, client):
    from bench.explain import SLOWEST, _page

    client.force_login(User.objects.get(email="analyst@storeconnect.test"))
    lines = _page(client, "queue", "/queue/")
    text = "\n".join(lines)
    assert lines[0].startswith("### queue (`/queue/`): ") and "ms of SQL" in lines[0]
    assert 1 <= text.count("Execution Time") <= SLOWEST
    assert "tickets_case" in text  # the list's own query is among the slowest
