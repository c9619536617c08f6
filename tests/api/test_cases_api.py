"""Every case endpoint for every role: own account, another account, another tenant, anonymous."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tickets.models import Case, Comment, Escalation, Status
from tickets.services import case_propose_resolution, escalation_raise
from tickets.tests.factories import open_case

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x02" * 16


@pytest.fixture
def case(world, setup_a, setup_b):
    open_case(world.account_b1, setup_b.normal, subject="Bravo case")  # TB-1001, another tenant
    return open_case(world.account_a1, setup_a.normal, subject="Alpha checkout")  # TA-1001


# (method, path, body, {role: expected status}); roles: merchant (own account), other_merchant
# (another account, same tenant), analyst, manager, foreign (staff of another tenant), anonymous.
ENDPOINTS = [
    (
        "get",
        "/api/v1/cases/{n}/",
        None,
        {"merchant": 200, "other_merchant": 404, "analyst": 200, "foreign": 404, "anonymous": 401},
    ),
    (
        "patch",
        "/api/v1/cases/{n}/",
        {"business_impact": "Lost sales"},
        {"merchant": 200, "other_merchant": 404, "analyst": 200, "foreign": 404, "anonymous": 401},
    ),
    (
        "get",
        "/api/v1/cases/{n}/sla/",
        None,
        {"merchant": 200, "other_merchant": 404, "analyst": 200, "foreign": 404, "anonymous": 401},
    ),
    (
        "get",
        "/api/v1/cases/{n}/events/",
        None,
        {"merchant": 200, "other_merchant": 404, "analyst": 200, "foreign": 404, "anonymous": 401},
    ),
    (
        "get",
        "/api/v1/cases/{n}/comments/",
        None,
        {"merchant": 200, "other_merchant": 404, "analyst": 200, "foreign": 404, "anonymous": 401},
    ),
    (
        "post",
        "/api/v1/cases/{n}/comments/",
        {"body": "Any news?"},
        {"merchant": 201, "other_merchant": 404, "analyst": 201, "foreign": 404, "anonymous": 401},
    ),
    (
        "post",
        "/api/v1/cases/{n}/assign/",
        {"assignee": "analyst@tenant-a.test"},
        {"merchant": 403, "other_merchant": 403, "analyst": 200, "foreign": 404, "anonymous": 401},
    ),
    (
        "post",
        "/api/v1/cases/{n}/request-information/",
        {"message": "Logs?"},
        {"merchant": 403, "analyst": 200, "foreign": 404, "anonymous": 401},
    ),
    (
        "post",
        "/api/v1/cases/{n}/resolve/",
        {"summary": "Done"},
        {"merchant": 403, "analyst": 200, "foreign": 404, "anonymous": 401},
    ),
    (
        "post",
        "/api/v1/cases/{n}/request-closure/",
        {"reason": "Gone"},
        {"merchant": 200, "other_merchant": 404, "analyst": 403, "anonymous": 401},
    ),
    (
        "post",
        "/api/v1/cases/{n}/escalate/",
        {"reason": "responsiveness", "notes": "Slow"},
        {"merchant": 200, "other_merchant": 404, "analyst": 200, "foreign": 404, "anonymous": 401},
    ),
    (
        "post",
        "/api/v1/cases/{n}/engineering-issues/",
        {"reference": "ENG-1"},
        {"merchant": 403, "analyst": 200, "foreign": 404, "anonymous": 401},
    ),
    ("get", "/api/v1/accounts/", None, {"merchant": 403, "analyst": 200, "anonymous": 401}),
    ("get", "/api/v1/plans/", None, {"merchant": 403, "analyst": 200, "anonymous": 401}),
    ("get", "/api/v1/priorities/", None, {"merchant": 200, "analyst": 200, "anonymous": 401}),
    ("get", "/api/v1/export/cases/", None, {"merchant": 403, "analyst": 200, "anonymous": 401}),
    ("get", "/api/v1/export/events/", None, {"merchant": 403, "analyst": 200, "anonymous": 401}),
    ("get", "/api/v1/escalations/", None, {"merchant": 200, "manager": 200, "anonymous": 401}),
    (
        "get",
        "/api/v1/cases/{n}/attachments/",
        None,
        {"merchant": 200, "other_merchant": 404, "analyst": 200, "foreign": 404, "anonymous": 401},
    ),
    (
        "post",
        "/api/v1/cases/{n}/reassign/",
        {"assignee": "manager@tenant-a.test", "reason": "workload"},
        {"merchant": 403, "analyst": 400, "foreign": 404, "anonymous": 401},
    ),
    ("post", "/api/v1/cases/{n}/close/", {}, {"merchant": 403, "analyst": 409, "foreign": 404, "anonymous": 401}),
    (
        "post",
        "/api/v1/cases/{n}/confirm/",
        {},
        {"merchant": 409, "other_merchant": 404, "analyst": 403, "anonymous": 401},
    ),
    (
        "post",
        "/api/v1/cases/{n}/confirm-closure/",
        {},
        {"merchant": 403, "analyst": 409, "foreign": 404, "anonymous": 401},
    ),
    (
        "post",
        "/api/v1/cases/{n}/reopen/",
        {"reason": "Still broken"},
        {"merchant": 409, "other_merchant": 404, "analyst": 409, "foreign": 404, "anonymous": 401},
    ),
    (
        "post",
        "/api/v1/escalations/{e}/acknowledge/",
        None,
        {"merchant": 403, "analyst": 403, "manager": 200, "foreign": 403, "anonymous": 401},
    ),
    (
        "post",
        "/api/v1/escalations/{e}/resolve/",
        {"note": "Called"},
        {"merchant": 403, "manager": 200, "anonymous": 401},
    ),
    (
        "post",
        "/api/v1/engineering-issues/ENG-404/state/",
        {"state": "fixed"},
        {"merchant": 403, "analyst": 404, "anonymous": 401},
    ),
    (
        "get",
        "/api/v1/attachments/no-such-token/",
        None,
        {"merchant": 404, "analyst": 404, "foreign": 404, "anonymous": 401},
    ),
    (
        "get",
        "/api/v1/sla/quote?plan=Gold&priority=Normal&opened_at=2026-11-23T09:00:00%2B11:00",
        None,
        {"merchant": 403, "analyst": 200, "foreign": 200, "anonymous": 401},  # its own plans and targets
    ),
    ("get", "/api/v1/surveys/responses/", None, {"merchant": 403, "analyst": 403, "manager": 200, "anonymous": 401}),
    ("get", "/api/v1/surveys/report/", None, {"merchant": 403, "analyst": 403, "manager": 200, "anonymous": 401}),
    (
        "post",
        "/api/v1/alerts/",
        {
            "dedup_key": "k",
            "account": "alpha-one",
            "kind": "payment",
            "severity": "major",
            "summary": "Errors",
            "status": "firing",
        },
        # The account is named in the body: another account's slug is an unknown account (400).
        {"merchant": 200, "other_merchant": 400, "analyst": 200, "foreign": 400, "anonymous": 401},
    ),
]
ACTORS = {
    "merchant": "merchant_a1",
    "other_merchant": "merchant_a2",
    "analyst": "analyst_a",
    "manager": "manager_a",
    "foreign": "analyst_b",
    "anonymous": None,
}


@pytest.mark.parametrize(
    ("method", "path", "body", "role", "expected"),
    [(m, p, b, role, code) for m, p, b, codes in ENDPOINTS for role, code in codes.items()],
)
def test_every_endpoint_for_every_role(world, case, api, method, path, body, role, expected):
    actor = getattr(world, ACTORS[role]) if ACTORS[role] else None
    escalation = escalation_raise(case=case, actor=world.analyst_a, reason="critical_impact", notes="Big")
    response = getattr(api(actor), method)(path.format(n=case.number, e=escalation.pk), body, format="json")
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert set(response.json()) == {"message", "errors"}
        assert "Alpha checkout" not in response.content.decode()


def test_lists_never_show_another_tenant_or_account(world, case, api):
    assert [c["number"] for c in api(world.analyst_b).get("/api/v1/cases/").json()["results"]] == ["TB-1001"]
    assert [c["number"] for c in api(world.merchant_a2).get("/api/v1/cases/").json()["results"]] == []
    assert [c["number"] for c in api(world.merchant_a1).get("/api/v1/cases/").json()["results"]] == ["TA-1001"]
    assert [a["slug"] for a in api(world.analyst_a).get("/api/v1/accounts/").json()] == ["alpha-one", "alpha-two"]


def test_a_case_in_a_response_has_the_promised_fields(world, case, api):
    body = api(world.merchant_a1).get(f"/api/v1/cases/{case.number}/").json()
    assert {"number", "status", "priority", "account", "opened_at", "sla"} <= set(body)
    # Opened Monday 09:00 in Sydney on Gold/Normal: 4 business hours (13:00) and 16 (Tuesday 17:00).
    assert body["sla"]["first_response"]["due"] == "2026-11-23T02:00:00Z"
    assert body["sla"]["resolution"]["due"] == "2026-11-24T06:00:00Z"
    assert set(body["sla"]) == {"first_response", "resolution"}
    assert body["sla"]["first_response"]["state"] == "running"


def test_merchant_creates_for_its_own_account_and_staff_name_the_account(world, setup_a, api):
    mine = api(world.merchant_a1).post(
        "/api/v1/cases/", {"subject": "S", "description": "D", "priority": "NORMAL"}, format="json"
    )
    assert mine.status_code == 201 and mine.json()["account"] == "alpha-one" and mine.json()["channel"] == "api"
    sneaky = api(world.merchant_a1).post(
        "/api/v1/cases/",
        {"subject": "S", "description": "D", "priority": "normal", "account": "alpha-two"},
        format="json",
    )
    # A reference in the body is a validation error; another account's slug answers like a made-up one.
    made_up = api(world.merchant_a1).post(
        "/api/v1/cases/",
        {"subject": "S", "description": "D", "priority": "normal", "account": "alpha-twenty"},
        format="json",
    )
    assert sneaky.status_code == made_up.status_code == 400
    assert sneaky.json()["errors"] == made_up.json()["errors"] == {"account": ["Unknown account."]}
    staff = api(world.analyst_a).post(
        "/api/v1/cases/",
        {"subject": "Phone call", "description": "D", "priority": "urgent", "account": "alpha-two", "channel": "phone"},
        format="json",
    )
    assert staff.status_code == 201 and staff.json()["requester"] == "merchant@alpha-two.test"
    missing = api(world.analyst_a).post(
        "/api/v1/cases/", {"subject": "S", "description": "D", "priority": "normal"}, format="json"
    )
    assert missing.status_code == 400 and "account" in missing.json()["errors"]
    foreign = api(world.analyst_b).post(
        "/api/v1/cases/",
        {"subject": "S", "description": "D", "priority": "normal", "account": "alpha-one"},
        format="json",
    )
    assert foreign.status_code == 400 and foreign.json()["errors"] == {"account": ["Unknown account."]}


@pytest.mark.parametrize(
    ("who", "method", "path", "body", "field", "known"),
    [
        (
            "merchant_a1",
            "post",
            "/api/v1/cases/",
            {"subject": "S", "description": "D", "priority": "P9"},
            "priority",
            "Urgent, Normal, Low",
        ),
        (
            "analyst_a",
            "post",
            "/api/v1/cases/",
            {"subject": "S", "description": "D", "priority": "Highest", "account": "alpha-one"},
            "priority",
            "Urgent, Normal, Low",
        ),
        ("analyst_a", "patch", "/api/v1/cases/{n}/", {"priority": "Blocker"}, "priority", "Urgent, Normal, Low"),
        ("analyst_a", "get", "/api/v1/cases/", {"priority": "Blocker"}, "priority", "Urgent, Normal, Low"),
        ("analyst_a", "get", "/api/v1/cases/", {"plan": "Platinum"}, "plan", "Gold, Silver"),
        ("analyst_a", "get", "/api/v1/cases/", {"account": "no-such-shop"}, "account", None),
        ("merchant_a1", "get", "/api/v1/cases/", {"account": "alpha-two"}, "account", None),
        (
            "analyst_a",
            "get",
            "/api/v1/sla/quote",
            {"plan": "Platinum", "priority": "Normal", "opened_at": "2026-11-24T14:00:00+11:00"},
            "plan",
            "Gold, Silver",
        ),
        (
            "analyst_a",
            "get",
            "/api/v1/sla/quote",
            {"plan": "Gold", "priority": "P9", "opened_at": "2026-11-24T14:00:00+11:00"},
            "priority",
            "Urgent, Normal, Low",
        ),
        ("analyst_a", "get", "/api/v1/escalations/", {"state": "pending"}, "state", "open, acknowledged, resolved"),
    ],
)
def test_unknown_names_in_a_body_or_query_are_400s_naming_the_field(
    world, case, api, who, method, path, body, field, known
):
    client = api(getattr(world, who))
    kwargs = {"format": "json"} if method != "get" else {}
    response = getattr(client, method)(path.format(n=case.number), body, **kwargs)
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"message", "errors"}
    assert list(response.json()["errors"]) == [field]
    if known is not None:
        assert known in response.json()["errors"][field][0]
        assert known in response.json()["message"]
    assert Case.objects.count() == 2  # nothing was opened


def test_partial_update_by_role(world, case, api, setup_a):
    merchant = api(world.merchant_a1)
    refused = merchant.patch(f"/api/v1/cases/{case.number}/", {"priority": "urgent"}, format="json")
    assert refused.status_code == 403
    updated = merchant.patch(f"/api/v1/cases/{case.number}/", {"cc_emails": ["ops@alpha.test"]}, format="json")
    assert updated.json()["cc_emails"] == ["ops@alpha.test"]
    staff = api(world.analyst_a).patch(
        f"/api/v1/cases/{case.number}/", {"priority": "urgent", "priority_reason": "All stores down"}, format="json"
    )
    assert staff.json()["priority"] == "Urgent"
    stale = api(world.analyst_a).patch(
        f"/api/v1/cases/{case.number}/", {"category": "question", "version": 1}, format="json"
    )
    assert stale.status_code == 409 and "changed by someone else" in stale.json()["message"]


def test_one_patch_is_one_change_all_or_nothing(world, case, api):
    analyst, url = api(world.analyst_a), f"/api/v1/cases/{case.number}/"
    before = (case.category, case.workaround, case.priority_id, case.version)
    refused = analyst.patch(url, {"category": "question", "workaround": "Restart", "priority": "urgent"}, format="json")
    assert refused.status_code == 400 and list(refused.json()["errors"]) == ["reason"]
    case.refresh_from_db()
    assert (case.category, case.workaround, case.priority_id, case.version) == before  # nothing of it applied
    body = {"category": "question", "workaround": "Restart", "priority": "urgent", "priority_reason": "Down"}
    with CaptureQueriesContext(connection) as queries:
        done = analyst.patch(url, {**body, "version": case.version}, format="json")
    assert done.status_code == 200, done.content
    case.refresh_from_db()
    assert (case.category, case.workaround, case.priority.name) == ("question", "Restart", "Urgent")
    assert case.version == before[3] + 1
    codes = list(case.events.order_by("pk").values_list("code", flat=True))[-3:]
    assert codes == ["case.updated", "case.workaround_recorded", "case.priority_changed"]
    locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert len(locks) == 1  # locked once, saved once, one version


def test_the_whole_life_cycle_through_the_api(world, case, api):
    analyst, merchant, manager = api(world.analyst_a), api(world.merchant_a1), api(world.manager_a)
    n = case.number
    assert (
        analyst.post(f"/api/v1/cases/{n}/assign/", {"assignee": "analyst@tenant-a.test"}, format="json").json()[
            "status"
        ]
        == "open"
    )
    assert (
        analyst.post(f"/api/v1/cases/{n}/request-information/", {"message": "Logs?"}, format="json").json()["status"]
        == "waiting_on_customer"
    )
    assert merchant.post(f"/api/v1/cases/{n}/comments/", {"body": "Attached"}, format="json").status_code == 201
    upload = merchant.post(f"/api/v1/cases/{n}/attachments/", {"file": _file("screen.png", PNG)}, format="multipart")
    assert upload.status_code == 201
    assert merchant.get(upload.json()["download"]).status_code == 200
    assert api(world.merchant_a2).get(upload.json()["download"]).status_code == 404
    note = analyst.post(f"/api/v1/cases/{n}/comments/", {"body": "Internal", "public": False}, format="json")
    assert note.status_code == 201
    assert "Internal" not in str(merchant.get(f"/api/v1/cases/{n}/comments/").json())
    bad_note = merchant.post(f"/api/v1/cases/{n}/comments/", {"body": "x", "public": False}, format="json")
    assert bad_note.status_code == 400
    assert (
        analyst.post(f"/api/v1/cases/{n}/resolve/", {"summary": "Fixed"}, format="json").json()["status"] == "resolved"
    )
    assert (
        merchant.post(f"/api/v1/cases/{n}/reopen/", {"reason": "Still broken"}, format="json").json()["status"]
        == "reopened"
    )
    assert analyst.post(f"/api/v1/cases/{n}/resolve/", {"summary": "Fixed now"}, format="json").status_code == 200
    assert merchant.post(f"/api/v1/cases/{n}/confirm/", {}, format="json").json()["status"] == "closed"
    illegal = merchant.post(f"/api/v1/cases/{n}/confirm/", {}, format="json")
    assert illegal.status_code == 409 and "From here you can reopen it" in illegal.json()["message"]
    escalation = merchant.post(
        f"/api/v1/cases/{n}/escalate/", {"reason": "resolution", "notes": "Unhappy"}, format="json"
    )
    assert escalation.status_code == 200
    pk = Escalation.objects.get(case=case, raised_by="merchant").pk
    assert analyst.post(f"/api/v1/escalations/{pk}/acknowledge/").status_code == 403
    assert manager.post(f"/api/v1/escalations/{pk}/acknowledge/").json()["state"] == "acknowledged"
    assert (
        manager.post(f"/api/v1/escalations/{pk}/resolve/", {"note": "Called"}, format="json").json()["state"]
        == "resolved"
    )
    assert (
        api(world.manager_b).post(f"/api/v1/escalations/{pk}/resolve/", {"note": "x"}, format="json").status_code == 404
    )
    sla = merchant.get(f"/api/v1/cases/{n}/sla/").json()
    assert {c["metric"] for c in sla} == {"first_response", "resolution"}
    assert all(c["state"] in ("met", "breached") for c in sla)


def _file(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


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
