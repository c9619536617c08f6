"""The mail outbox: queued with the change, sent once, retried when the provider fails for a while,
recorded when it fails for good, and updated from the provider's tracking webhook."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from helpdesk.messaging.outbox import MAX_ATTEMPTS, mail_enqueue, outbox_due, outbox_send
from helpdesk.models import OutboxMessage, OutboxStatus
from tests.support.fake_postmark import FakePostmark
from tickets.tests.factories import open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def postmark():
    fake = FakePostmark()
    settings = {"POSTMARK_SERVER_TOKEN": "server-token", "POSTMARK_API_URL": fake.url, "WEBHOOK_SECRET": "a:b"}
    with override_settings(EMAIL_BACKEND="anymail.backends.postmark.EmailBackend", ANYMAIL=settings):
        yield fake
    fake.close()


def queued(world, setup_a) -> OutboxMessage:
    open_case(world.account_a1, setup_a.normal)
    return OutboxMessage.objects.get(kind="case_acknowledgement")


def test_a_message_is_sent_once_through_the_provider(world, setup_a, postmark):
    message = queued(world, setup_a)
    postmark.answer(200, {"To": "merchant@alpha-one.test", "MessageID": "pm-0001", "ErrorCode": 0, "Message": "OK"})
    assert outbox_send(message_id=message.pk) == "sent"
    assert outbox_send(message_id=message.pk) == "skipped"
    message.refresh_from_db()
    assert (message.status, message.provider_message_id, message.attempts) == (OutboxStatus.SENT, "pm-0001", 1)
    sent = postmark.requests[0]
    assert sent["Subject"].startswith("[TA-1001] We received your case")
    assert {h["Name"]: h["Value"] for h in sent["Headers"]}["Message-ID"] == f"<outbox-{message.pk}@helpdesk.test>"
    assert len(postmark.requests) == 1


def test_temporary_failures_retry_with_backoff(world, setup_a, postmark):
    message = queued(world, setup_a)
    postmark.answer(500, {"ErrorCode": 100, "Message": "Maintenance"})
    now = timezone.now()
    assert outbox_send(message_id=message.pk, now=now) == "retry"
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING and "Maintenance" in message.last_error
    assert message.next_attempt_at == now + timedelta(seconds=30)
    assert message.pk not in outbox_due(now=now + timedelta(seconds=29))
    assert message.pk in outbox_due(now=now + timedelta(seconds=30))
    assert outbox_send(message_id=message.pk, now=now + timedelta(seconds=30)) == "retry"
    message.refresh_from_db()
    assert message.next_attempt_at == now + timedelta(seconds=30 + 60)  # doubles each time
    postmark.answer(200, {"To": "merchant@alpha-one.test", "MessageID": "pm-0002", "ErrorCode": 0, "Message": "OK"})
    assert outbox_send(message_id=message.pk, now=now + timedelta(seconds=90)) == "sent"


def test_permanent_failures_are_recorded_for_staff(world, setup_a, postmark, client):
    message = queued(world, setup_a)
    postmark.answer(422, {"ErrorCode": 300, "Message": "Invalid 'To' address: 'merchant@alpha-one.test'."})
    assert outbox_send(message_id=message.pk) == "failed"
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED and "rejected or invalid" in message.last_error
    assert message.pk not in outbox_due(now=timezone.now() + timedelta(days=1))
    client.force_login(world.admin_a)
    page = client.get("/admin/helpdesk/outboxmessage/?status__exact=failed").content.decode()
    assert "We received your case" in page and "rejected or invalid" in page
    client.force_login(world.admin_b)
    assert "We received your case" not in client.get("/admin/helpdesk/outboxmessage/").content.decode()


def test_a_message_that_keeps_failing_gives_up_after_the_last_attempt(world, setup_a, postmark):
    message = queued(world, setup_a)
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=MAX_ATTEMPTS - 1)
    postmark.answer(503, {"ErrorCode": 100, "Message": "Down"})
    assert outbox_send(message_id=message.pk) == "failed"


def test_nothing_is_queued_when_the_change_rolls_back(world, setup_a):
    with pytest.raises(RuntimeError), transaction.atomic():
        open_case(world.account_a1, setup_a.normal)
        raise RuntimeError("crash after the case was written")
    assert not OutboxMessage.objects.exists()


def test_a_dedupe_key_queues_a_message_only_once(world):
    args = {"tenant": world.tenant_a, "kind": "case_closed", "to": ["a@x.test"], "dedupe_key": "once"}
    first = mail_enqueue(**args, context={"case": None})
    assert first is not None
    assert mail_enqueue(**args, context={"case": None}) is None
    assert OutboxMessage.objects.filter(dedupe_key="once").count() == 1


def test_a_stale_half_sent_message_is_sent_again_by_the_drain(world, setup_a):
    message = queued(world, setup_a)
    long_ago = timezone.now() - timedelta(minutes=11)
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.SENDING, claimed_at=long_ago)
    assert message.pk in outbox_due(now=timezone.now())
    assert outbox_send(message_id=message.pk) == "sent"
    assert len(mail.outbox) == 1


def _postmark_webhook(client, payload: dict):
    auth = base64.b64encode(b"anymail:webhook-secret").decode()
    return client.post(
        "/anymail/postmark/tracking/",
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {auth}",
    )


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"RecordType": "Delivery", "DeliveredAt": "2026-11-23T10:00:00Z", "Details": "250 OK"}, "delivered"),
        (
            {
                "RecordType": "Bounce",
                "Type": "HardBounce",
                "BouncedAt": "2026-11-23T10:00:00Z",
                "Description": "No such user",
            },
            "bounced",
        ),
        ({"RecordType": "SpamComplaint", "Type": "SpamComplaint", "BouncedAt": "2026-11-23T10:00:00Z"}, "complained"),
    ],
)
def test_tracking_webhook_records_delivery_status(client, world, setup_a, payload, status):
    message = queued(world, setup_a)
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.SENT, provider_message_id="pm-42")
    response = _postmark_webhook(client, {**payload, "MessageID": "pm-42", "Recipient": "merchant@alpha-one.test"})
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.delivery_status == status


def test_tracking_webhook_refuses_a_wrong_secret(client, world, setup_a):
    response = client.post(
        "/anymail/postmark/tracking/",
        json.dumps({"RecordType": "Delivery", "MessageID": "x"}),
        content_type="application/json",
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"anymail:wrong").decode(),
    )
    assert response.status_code == 400
