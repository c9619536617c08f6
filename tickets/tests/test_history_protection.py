"""History that cannot be rewritten: PostgreSQL itself refuses to change or delete a case event and
to delete a case, whether the statement comes from the ORM or from raw SQL (tickets.models)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.test import Client

from helpdesk.models import User
from tickets.models import Case, CaseEvent
from tickets.services import case_assign
from tickets.tests.factories import open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world, setup_a) -> Case:
    opened = open_case(world.account_a1, setup_a.normal)
    return case_assign(case=opened, actor=world.manager_a, assignee=world.analyst_a)


def refused(statement) -> str:
    """Run `statement` in a savepoint and return the database's refusal (the test fails if none)."""
    with pytest.raises(DatabaseError) as refusal, transaction.atomic():
        statement()
    return str(refusal.value)


def raw(sql: str, *params: object):
    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    return run


def test_an_event_cannot_be_changed_through_the_orm(case):
    event = CaseEvent.objects.filter(case=case).first()
    assert "Cannot update" in refused(lambda: CaseEvent.objects.filter(pk=event.pk).update(note="rewritten"))
    event.refresh_from_db()
    assert event.note != "rewritten"


def test_an_event_cannot_be_deleted_through_the_orm(case):
    count = CaseEvent.objects.filter(case=case).count()
    assert count >= 2  # opened and assigned
    refused(lambda: CaseEvent.objects.filter(case=case).delete())
    refused(lambda: CaseEvent.objects.filter(case=case).first().delete())
    assert CaseEvent.objects.filter(case=case).count() == count


def test_a_case_cannot_be_deleted_through_the_orm(case):
    # The ORM deletes the case's events first (its cascade), and is stopped there already.
    assert "tickets_caseevent" in refused(lambda: Case.objects.filter(pk=case.pk).delete())
    assert "tickets_caseevent" in refused(lambda: Case.objects.get(pk=case.pk).delete())
    assert Case.objects.filter(pk=case.pk).exists()
    assert CaseEvent.objects.filter(case=case).exists()


def test_raw_sql_cannot_rewrite_history_either(case):
    event = CaseEvent.objects.filter(case=case).first()
    refused(raw("UPDATE tickets_caseevent SET note = 'rewritten' WHERE id = %s", event.pk))
    refused(raw("UPDATE tickets_caseevent SET created_at = now() WHERE case_id = %s", case.pk))
    refused(raw("DELETE FROM tickets_caseevent WHERE id = %s", event.pk))
    # Django's foreign keys are checked at commit, so this reaches the case's own trigger.
    assert "Cannot delete rows from tickets_case table" in refused(
        raw("DELETE FROM tickets_case WHERE id = %s", case.pk)
    )
    event.refresh_from_db()
    assert event.note != "rewritten"
    assert CaseEvent.objects.filter(pk=event.pk).exists()
    assert Case.objects.filter(pk=case.pk).exists()


def test_a_case_can_still_change_and_gain_events(case, world):
    events = CaseEvent.objects.filter(case=case).count()
    Case.objects.filter(pk=case.pk).update(subject="Checkout fails on mobile")
    CaseEvent.objects.create(tenant=case.tenant, case=case, code="case.noted", actor=world.analyst_a)
    assert Case.objects.get(pk=case.pk).subject == "Checkout fails on mobile"
    assert CaseEvent.objects.filter(case=case).count() == events + 1


def test_a_user_who_acted_on_a_case_cannot_be_deleted_and_erase_the_actor(case, world):
    # Django refuses before the database would: nulling the actor would rewrite the history.
    with pytest.raises(ProtectedError):
        User.objects.filter(pk=world.manager_a.pk).delete()
    assert CaseEvent.objects.filter(case=case, actor=world.manager_a).exists()


def test_the_admin_offers_no_tenant_deletion(case, world):
    root = User.objects.create_superuser(email="root@platform.test", password=world.password)
    client = Client()
    client.force_login(root)
    page = client.get(f"/admin/helpdesk/tenant/{world.tenant_a.pk}/delete/")
    assert page.status_code == 403
    posted = client.post(f"/admin/helpdesk/tenant/{world.tenant_a.pk}/delete/", {"post": "yes"})
    assert posted.status_code == 403
    assert Case.objects.filter(pk=case.pk).exists()
