"""Replies by mail: only authenticated (and, where the provider signs, signed) webhook posts are
read, and only from the case's account users or its CC addresses."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from helpdesk.models import OutboxMessage, OutboxStatus
from tickets.models import Case, Channel, Comment, Status
from tickets.notifications import reply_address
from tickets.services import case_request_information
from tickets.tests.factories import MONDAY_9, open_case

pytestmark = pytest.mark.django_db
BASIC_AUTH = "Basic " + base64.b64encode(b"anymail:webhook-secret").decode()
MAILGUN_KEY = "mailgun-signing-key-for-tests"


@pytest.fixture
def waiting_case(world, setup_a) -> Case:
    """A case waiting on the merchant: a reply by mail would reopen it, so it shows any change."""
    world.account_a1.cc_addresses = ["ops@alpha-one.test"]
    world.account_a1.save(update_fields=["cc_addresses"])
    case = open_case(world.account_a1, setup_a.normal, cc_emails=["Store-Team@alpha-one.test", world.analyst_a.email])
    return case_request_information(case=case, actor=world.analyst_a, message="Which browser?", at=MONDAY_9)


def postmark_inbound(client, case: Case, sender: str, **headers: str):
    payload = {
        "FromFull": {"Email": sender, "Name": ""},
        "ToFull": [{"Email": reply_address(case), "Name": ""}],
        "Subject": f"Re: [{case.number}] Which browser?",
        "TextBody": "Safari 18.\n\nOn Mon, 23 Nov 2026 at 10:00, Support wrote:\n> Which browser?",
    }
    return client.post("/anymail/postmark/inbound/", json.dumps(payload), content_type="application/json", **headers)


def assert_unchanged(case: Case) -> None:
    fresh = Case.objects.get(pk=case.pk)
    assert list(Comment.objects.filter(case=case).values_list("author__email", flat=True)) == ["analyst@tenant-a.test"]
    assert (fresh.status, fresh.version) == (Status.WAITING, case.version)


@pytest.mark.parametrize(
    "headers",
    [{}, {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"anymail:guessed").decode()}],
    ids=["unsigned", "wrong-secret"],
)
def test_an_unauthenticated_inbound_post_is_refused_and_changes_nothing(client, world, waiting_case, headers):
    response = postmark_inbound(client, waiting_case, world.merchant_a1.email, **headers)
    assert response.status_code == 400
    assert_unchanged(waiting_case)


def test_an_unauthenticated_tracking_post_is_refused_and_changes_nothing(client, world, waiting_case):
    message = OutboxMessage.objects.filter(case=waiting_case).first()
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.SENT, provider_message_id="pm-7")
    payload = {"RecordType": "Bounce", "Type": "HardBounce", "MessageID": "pm-7", "BouncedAt": "2026-11-23T10:00:00Z"}
    response = client.post("/anymail/postmark/tracking/", json.dumps(payload), content_type="application/json")
    assert response.status_code == 400
    assert OutboxMessage.objects.get(pk=message.pk).delivery_status == ""


def test_the_merchant_s_authenticated_reply_reopens_the_case(client, world, waiting_case):
    response = postmark_inbound(client, waiting_case, world.merchant_a1.email, HTTP_AUTHORIZATION=BASIC_AUTH)
    assert response.status_code == 200
    comment = Comment.objects.get(case=waiting_case, channel=Channel.EMAIL)
    assert (comment.author, comment.sender_email, comment.body) == (world.merchant_a1, "", "Safari 18.")
    assert Case.objects.get(pk=waiting_case.pk).status == Status.OPEN


@pytest.mark.parametrize("cc", ["store-team@alpha-one.test", "OPS@alpha-one.test"], ids=["case-cc", "account-cc"])
def test_a_reply_from_a_cc_address_is_recorded_under_the_technical_contact_naming_the_sender(
    client, world, waiting_case, cc
):
    response = postmark_inbound(client, waiting_case, cc, HTTP_AUTHORIZATION=BASIC_AUTH)
    assert response.status_code == 200
    comment = Comment.objects.get(case=waiting_case, channel=Channel.EMAIL)
    assert comment.author == world.merchant_a1
    assert comment.sender_email == cc.lower()
    assert Case.objects.get(pk=waiting_case.pk).status == Status.OPEN
    client.force_login(world.analyst_a)
    page = client.get(f"/cases/{waiting_case.number}/").content.decode()
    assert f"{cc.lower()} (CC address, recorded under {world.merchant_a1.get_full_name()})" in page
    api = client.get(f"/api/v1/cases/{waiting_case.number}/comments/").json()
    assert [c["sent_from"] for c in api if c["channel"] == "email"] == [cc.lower()]


@pytest.mark.parametrize("sender", ["analyst@tenant-a.test", "merchant@alpha-two.test", "someone@alpha-one.test"])
def test_staff_other_accounts_and_unlisted_addresses_are_refused_and_logged(
    client, world, waiting_case, sender, caplog
):
    """The analyst's address is on the case's CC list, but a sign-in of the tenant speaks only for itself."""
    response = postmark_inbound(client, waiting_case, sender, HTTP_AUTHORIZATION=BASIC_AUTH)
    assert response.status_code == 200  # the provider must not retry: the refusal is final
    assert_unchanged(waiting_case)
    assert f"inbound mail refused: {sender} is neither a user" in caplog.text


def mailgun_inbound(client, case: Case, sender: str, *, signature: str | None, timestamp: str = "1795424400"):
    mime = (
        f"From: {sender}\r\nTo: {reply_address(case)}\r\nSubject: Re: [{case.number}]\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nSafari 18.\r\n"
    )
    data = {"body-mime": mime, "recipient": reply_address(case), "sender": sender, "timestamp": timestamp}
    data["token"] = "t" * 50
    if signature is not None:
        data["signature"] = signature
    return client.post("/anymail/mailgun/inbound_mime/", data, HTTP_AUTHORIZATION=BASIC_AUTH)


def mailgun_signature(timestamp: str, token: str) -> str:
    return hmac.new(MAILGUN_KEY.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()


@pytest.mark.parametrize(
    "signature",
    [None, "0" * 64, hmac.new(b"another-key", b"x", hashlib.sha256).hexdigest()],
    ids=["missing", "wrong", "other-key"],
)
def test_a_signing_provider_s_post_with_a_bad_signature_is_refused_and_changes_nothing(
    client, settings, world, waiting_case, signature
):
    settings.ANYMAIL = {**settings.ANYMAIL, "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY}
    response = mailgun_inbound(client, waiting_case, world.merchant_a1.email, signature=signature)
    assert response.status_code == 400
    assert_unchanged(waiting_case)


def test_a_signing_provider_s_correctly_signed_post_is_read(client, settings, world, waiting_case):
    settings.ANYMAIL = {**settings.ANYMAIL, "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY}
    signature = mailgun_signature("1795424400", "t" * 50)
    response = mailgun_inbound(client, waiting_case, world.merchant_a1.email, signature=signature)
    assert response.status_code == 200
    assert Comment.objects.get(case=waiting_case, channel=Channel.EMAIL).body == "Safari 18."
