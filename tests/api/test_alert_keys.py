"""Monitoring alert keys belong to one account: two accounts of a tenant may use the same
`dedup_key`, each alert reaches only its own account's case, and the answer never hints that
another account uses a key."""

from __future__ import annotations

import pytest

from tickets.models import Case, Comment, MonitoringAlert

pytestmark = pytest.mark.django_db

ALERT = {
    "dedup_key": "store-down",
    "kind": "availability",
    "severity": "critical",
    "summary": "Store answers 502",
    "status": "firing",
}


def _shape(answer) -> tuple[int, str, bool]:
    """What an answer says apart from the case's own details."""
    body = answer.json()
    return answer.status_code, body.get("action", ""), body.get("case") is None


def test_two_accounts_of_one_tenant_each_get_their_own_case_for_one_key(world, setup_a, api):
    first = api(world.merchant_a1).post("/api/v1/alerts/", ALERT, format="json")
    second = api(world.merchant_a2).post("/api/v1/alerts/", ALERT, format="json")
    assert first.status_code == second.status_code == 200
    assert first.json()["action"] == second.json()["action"] == "opened"
    case_1 = Case.objects.get(number=first.json()["case"]["number"])
    case_2 = Case.objects.get(number=second.json()["case"]["number"])
    assert (case_1.account, case_2.account) == (world.account_a1, world.account_a2)
    assert MonitoringAlert.objects.filter(dedup_key="store-down").count() == 2

    # Staff naming each account reach that account's case, never the other's.
    staff = api(world.analyst_a)
    again = staff.post("/api/v1/alerts/", {**ALERT, "account": "alpha-two"}, format="json").json()
    assert again["action"] == "added" and again["case"]["number"] == case_2.number
    assert not Comment.objects.filter(case=case_1).exists()


def test_a_merchants_alert_never_touches_another_accounts_case(world, setup_a, api):
    other = api(world.merchant_a2).post("/api/v1/alerts/", ALERT, format="json").json()
    other_case = Case.objects.get(number=other["case"]["number"])
    mine = api(world.merchant_a1)
    fired = mine.post("/api/v1/alerts/", ALERT, format="json").json()
    resolved = mine.post("/api/v1/alerts/", {**ALERT, "status": "resolved"}, format="json").json()
    assert fired["case"]["number"] != other_case.number
    assert resolved["case"]["number"] == fired["case"]["number"]
    assert not Comment.objects.filter(case=other_case).exists()
    assert MonitoringAlert.objects.get(case=other_case).times_fired == 1


def test_a_key_used_by_another_account_answers_like_a_fresh_key(world, setup_a, api):
    api(world.merchant_a2).post("/api/v1/alerts/", ALERT, format="json")
    mine = api(world.merchant_a1)
    # A resolved alert for a key this account never fired is ignored, whoever else uses the key.
    used = mine.post("/api/v1/alerts/", {**ALERT, "status": "resolved"}, format="json")
    fresh = mine.post("/api/v1/alerts/", {**ALERT, "dedup_key": "never-seen", "status": "resolved"}, format="json")
    assert _shape(used) == _shape(fresh) == (200, "ignored", True)
    used = mine.post("/api/v1/alerts/", ALERT, format="json")
    fresh = mine.post("/api/v1/alerts/", {**ALERT, "dedup_key": "never-seen"}, format="json")
    assert _shape(used) == _shape(fresh) == (200, "opened", False)
