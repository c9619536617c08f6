"""Staff notifications: every kind, to the right people once, never across tenants, mail as chosen;
the bell, the list and the settings pages; and the pinned notifications API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from helpdesk.models import OutboxMessage, Role
from helpdesk.services import api_key_create
from helpdesk.tests.factories import make_staff
from tickets.models import CaseEvent, Notification, NotificationKind, QueueSettings
from tickets.services import (
    attachment_add,
    case_assign,
    case_propose_resolution,
    case_reassign,
    case_reopen,
    case_request_closure,
    comment_add,
    escalation_raise,
    notification_mail_set,
)
from tickets.sla_sweeps import sweep_breaches, sweep_warnings
from tickets.staff_notifications import notify_staff
from tickets.tests.factories import MONDAY_9, open_case, syd

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)
Kind = NotificationKind


def told(kind: str) -> list[str]:
    """Who was told of `kind`, by e-mail address, in the order they were told."""
    rows = Notification.objects.filter(kind=kind).order_by("pk").select_related("recipient")
    return [n.recipient.email for n in rows]


def mailed(kind: str) -> list[list[str]]:
    return [m.to for m in OutboxMessage.objects.filter(kind=kind).order_by("pk")]


@pytest.fixture
def analyst2(world):
    return make_staff(world.tenant_a, Role.ANALYST, "analyst2@tenant-a.test")


@pytest.fixture
def owned(world, setup_a, analyst2):
    """A case of tenant A owned by analyst2 (assigned by the analyst), notifications so far cleared."""
    case = open_case(world.account_a1, setup_a.normal)
    case_assign(case=case, actor=world.analyst_a, assignee=analyst2, at=MONDAY_9 + H / 4)
    case.refresh_from_db()
    return case


def test_a_new_unowned_case_is_announced_to_the_analysts_once(world, setup_a, analyst2):
    case = open_case(world.account_a1, setup_a.normal)
    assert told(Kind.NEW_CASE) == [world.analyst_a.email, analyst2.email]
    assert mailed("staff_notification") == [[world.analyst_a.email, analyst2.email]]
    # The same event recorded again (a redelivered task) tells nobody twice.
    event = CaseEvent.objects.get(case=case, code="case.opened")
    notify_staff(event)
    assert Notification.objects.filter(event=event).count() == 2
    assert OutboxMessage.objects.filter(kind="staff_notification").count() == 1


def test_a_team_address_takes_the_new_case_mail_but_the_analysts_still_see_it(world, setup_a):
    QueueSettings.objects.create(tenant=world.tenant_a, team_email="queue@tenant-a.test")
    open_case(world.account_a1, setup_a.normal)
    assert told(Kind.NEW_CASE) == [world.analyst_a.email]
    assert mailed("staff_notification") == [["queue@tenant-a.test"]]


def test_assignment_tells_the_new_owner_but_not_someone_taking_it_themselves(world, setup_a, analyst2):
    taken = open_case(world.account_a1, setup_a.normal)
    case_assign(case=taken, actor=analyst2, assignee=analyst2)
    assert told(Kind.ASSIGNED) == []
    given = open_case(world.account_a1, setup_a.normal)
    case_assign(case=given, actor=world.analyst_a, assignee=analyst2)
    notification = Notification.objects.get(kind=Kind.ASSIGNED)
    assert (notification.recipient, notification.case) == (analyst2, given)


def test_reassignment_tells_the_new_owner(world, owned, analyst2):
    case_reassign(case=owned, actor=analyst2, assignee=world.analyst_a, reason="time_zone", note="Handing over")
    assert told(Kind.REASSIGNED) == [world.analyst_a.email]
    (mail,) = [m for m in OutboxMessage.objects.filter(kind="staff_notification") if m.to == [world.analyst_a.email]]
    assert "reassigned to you" in mail.subject and "Handing over" in mail.body_text  # staff may read the note


def test_the_merchants_steps_on_an_owned_case_go_to_its_owner_only(world, owned, analyst2):
    merchant = world.merchant_a1
    comment_add(case=owned, actor=merchant, body="Still broken", at=MONDAY_9 + H)
    attachment_add(case=owned, actor=merchant, file=ContentFile(b"log line\n", name="log.txt"), at=MONDAY_9 + H)
    escalation_raise(case=owned, actor=merchant, reason="responsiveness", notes="Too slow", at=MONDAY_9 + H)
    case_request_closure(case=owned, actor=merchant, reason="Went away", at=MONDAY_9 + 2 * H)
    for kind in (Kind.CUSTOMER_REPLIED, Kind.FILE_ADDED, Kind.ESCALATED, Kind.CLOSURE_REQUESTED):
        assert told(kind) == [analyst2.email], kind
    assert told(Kind.ESCALATION_RAISED) == [world.manager_a.email]


def test_staff_steps_tell_nobody_and_a_staff_file_is_not_news(world, owned, analyst2):
    before = Notification.objects.count()
    comment_add(case=owned, actor=analyst2, body="Looking", at=MONDAY_9 + H)
    comment_add(case=owned, actor=world.analyst_a, body="Note", public=False, at=MONDAY_9 + H)
    attachment_add(case=owned, actor=world.analyst_a, file=ContentFile(b"x\n", name="a.txt"), at=MONDAY_9 + H)
    assert Notification.objects.count() == before


def test_a_merchant_reopening_tells_the_owner(world, owned, analyst2):
    case_propose_resolution(case=owned, actor=analyst2, summary="Fixed", at=MONDAY_9 + H)
    case_reopen(case=owned, actor=world.merchant_a1, reason="Broken again", at=MONDAY_9 + 2 * H)
    assert told(Kind.REOPENED) == [analyst2.email]


def test_a_reply_on_an_unowned_case_goes_to_every_analyst(world, setup_a, analyst2):
    case = open_case(world.account_a1, setup_a.normal)
    comment_add(case=case, actor=world.merchant_a1, body="Hello?", at=MONDAY_9 + H)
    assert told(Kind.CUSTOMER_REPLIED) == [world.analyst_a.email, analyst2.email]


def test_at_risk_and_breach_go_to_the_owner_and_breaches_to_the_managers_too(world, owned, analyst2):
    assert sweep_warnings(now=syd(2026, 11, 23, 12, 30)) == 1
    assert told(Kind.AT_RISK) == [analyst2.email]
    assert sweep_breaches(now=syd(2026, 11, 23, 13, 1)) == 1
    assert told(Kind.BREACHED) == [analyst2.email, world.manager_a.email]
    assert told(Kind.ESCALATION_RAISED) == []  # the breach's own escalation: the breach says it all
    assert mailed("sla_breached") == [[analyst2.email, world.manager_a.email]]


def test_a_manager_owning_a_breached_case_is_told_once(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    case_assign(case=case, actor=world.analyst_a, assignee=world.manager_a)
    sweep_breaches(now=syd(2026, 11, 23, 13, 1))
    assert told(Kind.BREACHED) == [world.manager_a.email]


def test_nothing_crosses_tenants_or_reaches_merchants_or_inactive_staff(world, setup_a, setup_b, analyst2):
    analyst2.is_active = False
    analyst2.save(update_fields=["is_active"])
    case_a = open_case(world.account_a1, setup_a.normal)
    open_case(world.account_b1, setup_b.normal)
    comment_add(case=case_a, actor=world.merchant_a1, body="Hi", at=MONDAY_9 + H)
    recipients = set(Notification.objects.filter(case=case_a).values_list("recipient__email", flat=True))
    assert recipients == {world.analyst_a.email}
    assert set(Notification.objects.filter(tenant=world.tenant_b).values_list("recipient", flat=True)) == {
        world.analyst_b.pk
    }


def test_mail_is_sent_unless_the_user_turned_that_kind_off(world, setup_a, analyst2):
    notification_mail_set(user=analyst2, mail_off={Kind.NEW_CASE})
    open_case(world.account_a1, setup_a.normal)
    assert told(Kind.NEW_CASE) == [world.analyst_a.email, analyst2.email]  # the bell shows it to both
    assert mailed("staff_notification") == [[world.analyst_a.email]]


def test_turning_off_an_unknown_kind_is_refused(world):
    from helpdesk.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        notification_mail_set(user=world.analyst_a, mail_off={"everything"})
    assert refused.value.errors == {"mail_off": ["Unknown kind."]}


# -- pages -------------------------------------------------------------------------------------


def test_the_bell_counts_unread_and_the_list_marks_read(client, world, owned, analyst2):
    comment_add(case=owned, actor=world.merchant_a1, body="Any news?", at=MONDAY_9 + H)
    client.force_login(analyst2)
    page = client.get("/queue/")
    # The new case, its assignment to analyst2 by someone else, and the merchant's reply.
    assert b'data-testid="bell-count">3<' in page.content
    bell = client.get("/notifications/bell/")
    assert b'data-testid="bell-count">' in bell.content
    listing = client.get("/notifications/")
    assert "The merchant replied" in listing.content.decode() and owned.number in listing.content.decode()
    reply = Notification.objects.get(kind=Kind.CUSTOMER_REPLIED)
    opened = client.post(f"/notifications/{reply.pk}/read/", {"open": "1"})
    assert opened.status_code == 302 and opened["Location"] == f"/cases/{owned.number}/"
    reply.refresh_from_db()
    assert reply.read_at is not None
    client.post("/notifications/read-all/")
    assert not Notification.objects.filter(recipient=analyst2, read_at__isnull=True).exists()
    assert b'data-testid="bell-count">0<' in client.get("/notifications/bell/").content


def test_another_users_notification_is_not_found_on_the_page(client, world, owned, analyst2):
    theirs = Notification.objects.get(recipient=analyst2, kind=Kind.ASSIGNED)
    client.force_login(world.analyst_a)
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_merchants_have_no_bell_and_no_notification_pages(client, world):
    client.force_login(world.merchant_a1)
    assert b'data-testid="bell"' not in client.get("/portal/").content
    assert client.get("/notifications/").status_code == 403


def test_the_settings_page_turns_mail_off_per_kind(client, world):
    client.force_login(world.analyst_a)
    page = client.get("/notifications/settings/")
    assert page.content.decode().count('type="checkbox"') == len(Kind.values)
    wanted = [k for k in Kind.values if k != Kind.AT_RISK]
    assert client.post("/notifications/settings/", {"mail": wanted}).status_code == 302
    assert world.analyst_a.staff_profile.mail_off == [Kind.AT_RISK]
    assert 'value="at_risk" id="mail-at_risk">' in client.get("/notifications/settings/").content.decode()


def test_the_list_page_reads_in_a_fixed_number_of_queries(client, world, setup_a, analyst2):
    case = open_case(world.account_a1, setup_a.normal)
    client.force_login(world.analyst_a)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/notifications/").status_code == 200
        return len(queries)

    one = count()
    for n in range(49):
        comment_add(case=case, actor=world.merchant_a1, body=f"Reply {n}", at=MONDAY_9 + n * timedelta(minutes=1))
    assert Notification.objects.filter(recipient=world.analyst_a).count() == 50
    assert count() == one


# -- API ---------------------------------------------------------------------------------------


def api(user) -> APIClient:
    _, raw = api_key_create(user=user, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_the_api_lists_the_users_notifications_newest_first_and_marks_one_read(world, owned, analyst2):
    comment_add(case=owned, actor=world.merchant_a1, body="Hello", at=MONDAY_9 + H)
    client = api(analyst2)
    body = client.get("/api/v1/notifications/").json()
    kinds = [row["kind"] for row in body["results"]]
    assert kinds == ["customer_replied", "assigned", "new_case"] and body["next"] is None
    first = body["results"][0]
    assert {"id", "kind", "case", "created_at", "read"} <= set(first)
    assert first["case"] == owned.number and first["read"] is False
    marked = client.post(f"/api/v1/notifications/{first['id']}/read/")
    assert marked.status_code == 200 and marked.json()["read"] is True
    again = client.get("/api/v1/notifications/?unread=true").json()["results"]
    assert [row["kind"] for row in again] == ["assigned", "new_case"]


def test_the_api_pages_with_a_cursor(world, owned, analyst2):
    for n in range(3):
        comment_add(case=owned, actor=world.merchant_a1, body=f"R{n}", at=MONDAY_9 + (n + 1) * H)
    client = api(analyst2)
    first = client.get("/api/v1/notifications/?limit=2").json()
    second = client.get(f"/api/v1/notifications/?limit=2&cursor={first['next']}").json()
    ids = [r["id"] for r in first["results"] + second["results"]]
    assert first["next"] and second["next"]
    assert len(set(ids)) == 4 and ids == sorted(ids, reverse=True)
    assert client.get("/api/v1/notifications/?cursor=nonsense").status_code == 400


def test_another_users_or_tenants_notification_answers_404(world, setup_b, owned, analyst2):
    theirs = Notification.objects.get(recipient=analyst2, kind=Kind.ASSIGNED)
    for user in (world.analyst_a, world.analyst_b):
        answer = api(user).post(f"/api/v1/notifications/{theirs.pk}/read/")
        assert answer.status_code == 404 and answer.json() == {"message": "No such notification.", "errors": {}}
        assert theirs.pk not in [r["id"] for r in api(user).get("/api/v1/notifications/").json()["results"]]
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_merchant_keys_cannot_list_notifications(world):
    assert api(world.merchant_a1).get("/api/v1/notifications/").status_code == 403
