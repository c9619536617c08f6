"""An account whose technical contact is unset (it exists only between an account's creation and
its contact's, or after a database edit) cannot stand in as a case's requester: the API says so
instead of failing on the case's NOT NULL requester (found by mypy: the contact is nullable)."""

from __future__ import annotations

import pytest

from helpdesk.errors import ValidationFailed
from helpdesk.models import Account
from tickets.models import Case
from tickets.services import alert_receive


def _without_contact(world) -> None:
    Account.objects.filter(pk=world.account_a1.pk).update(technical_contact=None)


def test_a_staff_case_for_an_account_without_a_contact_names_a_requester(world, setup_a, api):
    _without_contact(world)
    answer = api(world.analyst_a).post(
        "/api/v1/cases/",
        {"subject": "Phone call", "description": "D", "priority": "urgent", "account": "alpha-one"},
        format="json",
    )
    assert answer.status_code == 400
    assert answer.json()["errors"] == {"requester": ["The account has no technical contact."]}
    assert not Case.objects.filter(account=world.account_a1).exists()
    named = api(world.analyst_a).post(
        "/api/v1/cases/",
        {
            "subject": "Phone call",
            "description": "D",
            "priority": "urgent",
            "account": "alpha-one",
            "requester": world.merchant_a1.email,
        },
        format="json",
    )
    assert named.status_code == 201 and named.json()["requester"] == world.merchant_a1.email


def test_a_staff_alert_for_an_account_without_a_contact_is_refused_clearly(world, setup_a, api):
    _without_contact(world)
    alert = {
        "dedup_key": "store-down-1",
        "account": "alpha-one",
        "kind": "availability",
        "severity": "critical",
        "summary": "Store answers 502",
        "status": "firing",
    }
    answer = api(world.analyst_a).post("/api/v1/alerts/", alert, format="json")
    assert answer.status_code == 400
    assert answer.json()["errors"] == {"requester": ["The account has no technical contact."]}
    assert not Case.objects.filter(account=world.account_a1).exists()


def test_the_alert_service_refuses_too_when_called_directly(world, setup_a):
    _without_contact(world)
    account = Account.objects.get(pk=world.account_a1.pk)
    with pytest.raises(ValidationFailed) as refused:
        alert_receive(
            account=account,
            store=None,
            actor=world.analyst_a,
            dedup_key="store-down-2",
            kind="availability",
            severity="critical",
            summary="Store answers 502",
            firing=True,
        )
    assert refused.value.errors == {"requester": ["The account has no technical contact."]}
    assert not Case.objects.filter(account=account).exists()
