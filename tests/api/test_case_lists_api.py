"""Reading through the API: filters, paging, constant list queries, SLA quotes, the export, alerts, escalations."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from helpdesk.models import Store
from helpdesk.tenancy import scope_for_user
from tickets.api.serializers import CaseSerializer, case_data
from tickets.models import Case, Comment, Status
from tickets.selectors import case_list, for_api
from tickets.services import case_assign, case_propose_resolution, case_request_information, escalation_raise
from tickets.tests.factories import open_case

pytestmark = pytest.mark.django_db


def test_filters_search_and_cursor_pagination(world, setup_a, api):
    for n in range(7):
        open_case(world.account_a1, setup_a.normal if n % 2 else setup_a.low, subject=f"Case {n}")
    client = api(world.analyst_a)
    seen, cursor = [], None
    while True:
        page = client.get("/api/v1/cases/", {"limit": 3, **({"cursor": cursor} if cursor else {})}).json()
        seen += [c["number"] for c in page["results"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 7
    assert seen[:3] == [c["number"] for c in client.get("/api/v1/cases/", {"limit": 3}).json()["results"]]
    assert {c["priority"] for c in client.get("/api/v1/cases/", {"priority": "low"}).json()["results"]} == {"Low"}
    assert [c["subject"] for c in client.get("/api/v1/cases/", {"search": "Case 3"}).json()["results"]] == ["Case 3"]
    assert client.get("/api/v1/cases/", {"breached": "maybe"}).status_code == 400
    assert client.get("/api/v1/cases/", {"cursor": "garbage"}).json()["errors"] == {"cursor": ["Invalid cursor."]}
    assert client.get("/api/v1/cases/", {"updated_since": "yesterday"}).status_code == 400


def test_list_query_count_is_the_same_for_1_and_50_cases(world, setup_a, api):
    client = api(world.analyst_a)
    open_case(world.account_a1, setup_a.normal)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/cases/", {"limit": 50}).status_code == 200
        return len(queries)

    count()  # the key's first use records its last-used time once
    one = count()
    for n in range(49):
        open_case(world.account_a2 if n % 2 else world.account_a1, setup_a.normal, subject=f"More {n}")
    assert count() == one


def test_sla_quote_matches_the_command(world, api):
    from sla.presets import STORECONNECT
    from tickets.services import preset_apply

    preset_apply(tenant=world.tenant_a, preset=STORECONNECT)
    answer = api(world.analyst_a).get(
        "/api/v1/sla/quote", {"plan": "flagship", "priority": "critical", "opened_at": "2026-11-28T11:00:00+11:00"}
    )
    assert answer.json() == {
        "first_response": {
            "amount": 1,
            "unit": "business_days",
            "calendar": "business",
            "due": "2026-11-30T17:00:00+11:00",
        },
        "resolution": None,
    }
    assert api(world.merchant_a1).get("/api/v1/sla/quote", {"plan": "x"}).status_code == 403
    bad = api(world.analyst_a).get(
        "/api/v1/sla/quote", {"plan": "flagship", "priority": "critical", "opened_at": "soon"}
    )
    assert bad.status_code == 400 and "opened_at" in bad.json()["errors"]


@pytest.mark.parametrize(
    ("opened_at", "first_response", "resolution"),
    [
        # Sydney's clocks jump from 02:00 to 03:00 on 4 October 2026; tenant A is in Sydney.
        ("2026-10-04T01:30:00", "2026-10-04T01:45:00+10:00", "2026-10-05T02:30:00+11:00"),
        ("2026-10-04 02:30", "2026-10-04T03:15:00+11:00", "2026-10-05T03:00:00+11:00"),
        ("2026-10-03T15:30:00Z", "2026-10-04T01:45:00+10:00", "2026-10-05T02:30:00+11:00"),
    ],
)
def test_sla_quote_counts_calendar_units_as_elapsed_time_across_dst(world, api, opened_at, first_response, resolution):
    from sla.presets import MAGENTO_OMS
    from tickets.services import preset_apply

    preset_apply(tenant=world.tenant_a, preset=MAGENTO_OMS)
    answer = api(world.analyst_a).get(
        "/api/v1/sla/quote", {"plan": "standard", "priority": "p1", "opened_at": opened_at}
    )
    assert answer.status_code == 200
    due = {metric: datetime.fromisoformat(answer.json()[metric]["due"]) for metric in ("first_response", "resolution")}
    assert due["first_response"] == datetime.fromisoformat(first_response)
    assert due["resolution"] == datetime.fromisoformat(resolution)
    # Shown in the tenant's zone, like the case's clocks.
    assert answer.json()["resolution"]["due"] == resolution


def test_export_is_incremental_with_a_cursor(world, setup_a, api):
    first = open_case(world.account_a1, setup_a.normal)
    case_propose_resolution(case=first, actor=world.analyst_a, summary="Done", at=first.opened_at + timedelta(hours=1))
    client = api(world.analyst_a)
    events = client.get("/api/v1/export/events/", {"limit": 2}).json()
    assert len(events["results"]) == 2 and events["next"]
    rest = client.get("/api/v1/export/events/", {"limit": 200, "cursor": events["next"]}).json()
    codes = [e["code"] for e in events["results"] + rest["results"]]
    assert codes[0] == "case.opened" and "case.resolution_proposed" in codes and rest["next"] is None
    later = client.get("/api/v1/export/cases/", {"updated_since": "2999-01-01T00:00:00+00:00"}).json()
    assert later == {"results": [], "next": None}


def test_alerts_open_one_case_per_key_and_add_to_it(world, setup_a, api):
    client = api(world.analyst_a)
    alert = {
        "dedup_key": "store-down-1",
        "account": "alpha-one",
        "store": "Alpha One store",
        "kind": "availability",
        "severity": "critical",
        "summary": "Store answers 502",
        "status": "firing",
    }
    opened = client.post("/api/v1/alerts/", alert, format="json").json()
    assert (
        opened["action"] == "opened"
        and opened["case"]["priority"] == "Urgent"
        and opened["case"]["channel"] == "monitoring"
    )
    again = client.post("/api/v1/alerts/", alert, format="json").json()
    assert again["action"] == "added" and again["case"]["number"] == opened["case"]["number"]
    resolved = client.post("/api/v1/alerts/", {**alert, "status": "resolved"}, format="json").json()
    assert resolved["action"] == "resolved"
    assert Case.objects.filter(channel="monitoring").count() == 1
    notes = Comment.objects.filter(case__number=opened["case"]["number"]).values_list("body", flat=True)
    assert any("fired again (2 times)" in body for body in notes) and any("alert resolved" in body for body in notes)
    case = Case.objects.get(number=opened["case"]["number"])
    case.status = Status.CLOSED
    case.save(update_fields=["status"])
    reopened = client.post("/api/v1/alerts/", alert, format="json").json()
    assert reopened["action"] == "opened" and reopened["case"]["number"] != opened["case"]["number"]
    merchant = api(world.merchant_a1).post(
        "/api/v1/alerts/", {**alert, "dedup_key": "m-1", "account": "alpha-one"}, format="json"
    )
    assert merchant.json()["action"] == "opened"
    bad = client.post("/api/v1/alerts/", {**alert, "kind": "weather"}, format="json")
    assert bad.status_code == 400 and "kind" in bad.json()["errors"]


def test_escalations_list_for_merchants_is_their_own(world, case, api, setup_a):
    other = open_case(world.account_a2, setup_a.normal)
    escalation_raise(case=other, actor=world.merchant_a2, reason="responsiveness", notes="x")
    assert api(world.merchant_a1).get("/api/v1/escalations/").json() == []
    assert len(api(world.manager_a).get("/api/v1/escalations/").json()) == 1


def test_the_written_out_representation_is_the_declared_serializer_byte_for_byte(world, setup_a):
    """tickets.api.serializers.case_data writes CaseSerializer's shape out for speed: every kind of
    value (no owner or an owner, a store, CC addresses, running and stopped clocks, times in a
    zone that is not UTC) must come out exactly as the declared serializer gives it."""
    store = Store.objects.create(tenant=world.tenant_a, account=world.account_a1, name="Harbour St")
    plain = open_case(world.account_a1, setup_a.normal, subject="Plain")
    waiting = open_case(world.account_a1, setup_a.urgent, subject="Waiting", store=store, cc_emails=["cc@example.com"])
    resolved = open_case(world.account_a1, setup_a.normal, subject="Resolved")
    case_assign(case=waiting, actor=world.analyst_a, assignee=world.analyst_a)
    case_request_information(case=waiting, actor=world.analyst_a, message="Logs?")
    case_propose_resolution(case=resolved, actor=world.analyst_a, summary="Fixed")
    scope = scope_for_user(world.analyst_a)
    rows = list(for_api(case_list(scope=scope), tenant=scope.tenant))
    assert {row.number for row in rows} == {plain.number, waiting.number, resolved.number}
    for zone in ("UTC", "Australia/Sydney"):
        with timezone.override(zone):
            for row in rows:
                assert JSONRenderer().render(case_data(row)) == JSONRenderer().render(CaseSerializer(row).data)
    states = {row.subject: {m: c and c["state"] for m, c in case_data(row)["sla"].items()} for row in rows}
    assert states["Plain"]["first_response"] == "running" and states["Resolved"]["first_response"] != "running"
