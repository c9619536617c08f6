"""One claim for requests that must count once: page forms and API Idempotency-Keys alike."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from helpdesk.idempotency import IDEMPOTENCY_WINDOW, idempotency_claim, idempotency_complete
from helpdesk.messaging.outbox import mail_enqueue
from helpdesk.models import IdempotencyRecord, OutboxMessage

pytestmark = pytest.mark.django_db


def test_a_key_is_claimed_once_and_a_repeat_gets_the_first_answer(world):
    now = timezone.now()
    first = idempotency_claim(tenant=world.tenant_a, user=world.merchant_a1, key="k", request_hash="h", now=now)
    assert first.first
    idempotency_complete(record=first.record, status_code=201, response={"number": "TA-1001"})
    again = idempotency_claim(
        tenant=world.tenant_a, user=world.merchant_a1, key="k", request_hash="h", now=now + timedelta(minutes=5)
    )
    assert not again.first
    assert (again.record.pk, again.record.status_code, again.record.response) == (
        first.record.pk,
        201,
        {"number": "TA-1001"},
    )


def test_a_claim_older_than_the_window_is_taken_over_as_a_new_request(world):
    then = timezone.now() - IDEMPOTENCY_WINDOW - timedelta(minutes=1)
    old = idempotency_claim(tenant=world.tenant_a, user=world.merchant_a1, key="k", request_hash="old", now=then)
    idempotency_complete(record=old.record, status_code=201, response={"number": "TA-1001"})
    claim = idempotency_claim(tenant=world.tenant_a, user=world.merchant_a1, key="k", request_hash="new")
    assert claim.first
    record = IdempotencyRecord.objects.get(pk=claim.record.pk)
    assert (record.request_hash, record.status_code, record.response) == ("new", None, None)


def test_a_duplicate_mail_leaves_the_callers_transaction_usable(world):
    args = {"tenant": world.tenant_a, "kind": "case_closed", "to": ["a@x.test"], "context": {"case": None}}
    with transaction.atomic():
        assert mail_enqueue(**args, dedupe_key="once") is not None
        assert mail_enqueue(**args, dedupe_key="once") is None
        # Without a savepoint, a failed INSERT would abort the transaction and this would raise.
        assert mail_enqueue(**args, dedupe_key="twice") is not None
    assert sorted(OutboxMessage.objects.values_list("dedupe_key", flat=True)) == ["once", "twice"]
