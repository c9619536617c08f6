"""Every case endpoint for every role: own account, another account, another tenant, anonymous."""

from __future__ import annotations

import pytest

from tickets.services import escalation_raise

pytestmark = pytest.mark.django_db


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
