"""Changing cases through the API: opening, refusing unknown names, PATCH as one change, the whole life cycle."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tickets.models import Case, Escalation

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x02" * 16


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
