"""PostgreSQL row-level security, the second wall between tenants (helpdesk/rls.py).

The suite connects as the tables' owner (a superuser), which policies never bind; these tests
switch the test's connection to the application role (`SET ROLE helpdesk_app`, no BYPASSRLS, owns
nothing) for their body, so every query, page and task in them is subject to the policies.
"""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from helpdesk import rls
from helpdesk.models import Account, ApiKey, OutboxMessage, User
from helpdesk.services import api_key_create
from helpdesk.tenancy import bind, scope_for_user, tenant_owned_tables
from tickets.models import Case, CaseEvent
from tickets.tests.factories import open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_tenants(world, setup_a, setup_b):
    return open_case(world.account_a1, setup_a.normal), open_case(world.account_b1, setup_b.normal)


def _setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s, true)", [name])
        return cursor.fetchone()[0] or ""


def test_every_tenant_owned_table_has_the_policy(app_role):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_policies p ON p.tablename = c.relname"
            " WHERE c.relrowsecurity AND p.policyname = %s",
            [rls.POLICY],
        )
        protected = {row[0] for row in cursor.fetchall()}
    assert sorted(tenant_owned_tables() - protected) == []


def test_the_app_role_cannot_bypass_the_policies(app_role):
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [app_role])
        assert cursor.fetchone() == (False, False)
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE tableowner = %s AND tablename = ANY(%s)",
            [app_role, sorted(tenant_owned_tables())],
        )
        assert cursor.fetchone()[0] == 0


def test_with_no_tenant_set_every_tenant_table_reads_empty(two_tenants, as_app):
    assert _setting(rls.TENANT_SETTING) == ""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(tenant_owned_tables()):
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608  # nosec B608  # table names from the models
            counts[table] = cursor.fetchone()[0]
    assert {table: n for table, n in counts.items() if n} == {}
    with rls.cross_tenant("the test counts every tenant's cases"):
        assert Case.objects.count() == 2  # the rows are there: the policy hid them
    assert Case.objects.count() == 0  # and hides them again


@pytest.mark.no_tenant_guard  # the queries here leave the tenant out on purpose: the policy adds it
def test_two_tenants_on_one_connection_each_see_only_their_own(world, two_tenants, as_app):
    case_a, case_b = two_tenants
    with rls.cross_tenant("resolve the scopes"):
        scope_a, scope_b = scope_for_user(world.analyst_a), scope_for_user(world.analyst_b)
    with bind(scope_a):
        assert list(Case.objects.values_list("number", flat=True)) == [case_a.number]  # no tenant filter
        assert set(CaseEvent.objects.values_list("case_id", flat=True)) == {case_a.pk}
    with bind(scope_b):
        assert list(Case.objects.values_list("number", flat=True)) == [case_b.number]
        assert not Account.objects.filter(pk=world.account_a1.pk).exists()
    assert Case.objects.count() == 0 and _setting(rls.TENANT_SETTING) == ""


def test_a_row_cannot_be_written_into_or_moved_to_another_tenant(world, two_tenants, as_app):
    case_a, _ = two_tenants
    with rls.cross_tenant("resolve the scope"):
        scope_a = scope_for_user(world.analyst_a)
    with bind(scope_a):
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            Case.objects.filter(pk=case_a.pk).update(tenant_id=world.tenant_b.pk)
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            ApiKey.objects.create(tenant=world.tenant_b, user=world.analyst_b, name="x", prefix="p", key_hash="h" * 64)
        # Another tenant's rows are not there to change: nothing happens, no error that names them.
        assert User.objects.filter(pk=world.analyst_b.pk).update(is_active=False) == 0


def test_requests_set_their_tenant_and_clear_it_on_one_connection(world, two_tenants, as_app):
    case_a, case_b = two_tenants
    with rls.cross_tenant("make keys"):
        keys = {user: api_key_create(user=user, name="rls")[1] for user in (world.analyst_a, world.analyst_b)}
    for user, number in ((world.analyst_a, case_a.number), (world.analyst_b, case_b.number)):
        answer = Client().get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {keys[user]}")
        assert answer.status_code == 200
        assert [row["number"] for row in answer.json()["results"]] == [number]
        assert _setting(rls.TENANT_SETTING) == "" and _setting(rls.CROSS_TENANT_SETTING) == ""
    browser = Client()
    signed_in = browser.post("/login/", {"username": world.analyst_b.email, "password": world.password})
    assert signed_in.status_code == 302  # sign-in finds the user through its cross-tenant door
    page = browser.get("/queue/")
    assert page.status_code == 200 and case_b.number in page.content.decode()
    assert case_a.number not in page.content.decode()
    assert _setting(rls.TENANT_SETTING) == "" and _setting(rls.CROSS_TENANT_SETTING) == ""


def test_tasks_see_their_row_tenant_or_every_tenant_by_name_and_nothing_after(two_tenants, as_app):
    from helpdesk.tasks import outbox_drain, outbox_send

    with rls.cross_tenant("list the queued mail"):
        queued = list(OutboxMessage.objects.order_by("tenant_id").values_list("pk", "tenant_id"))
    assert len({tenant for _, tenant in queued}) == 2
    first_pk, _ = queued[0]
    assert outbox_send.apply(args=[first_pk]).get() == "sent"  # the row's tenant, looked up
    assert _setting(rls.TENANT_SETTING) == "" and _setting(rls.CROSS_TENANT_SETTING) == ""
    assert outbox_drain.apply().get() == len(queued) - 1  # a sweep: every tenant's rows
    with rls.cross_tenant("check"):
        assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
    assert _setting(rls.CROSS_TENANT_SETTING) == ""


def test_a_survey_link_opens_and_records_its_answer_through_its_door(world, setup_a, as_app):
    from surveys.models import SurveyResponse
    from surveys.services import invitation_token
    from tickets.services import case_confirm_resolution, case_propose_resolution

    with rls.cross_tenant("the test closes a case as its services would in a request"):
        case = open_case(world.account_a1, setup_a.normal)
        case_propose_resolution(case=case, actor=world.analyst_a, summary="Fixed")
        case_confirm_resolution(case=case, actor=world.merchant_a1)
        token = invitation_token(case.survey_invitations.get())
    page = Client().get(f"/survey/{token}/")
    assert page.status_code == 200 and case.number in page.content.decode()
    answer = {"overall": 5, "product_quality": 4, "service_delivery": 5, "process": 4}
    assert Client().post(f"/survey/{token}/", answer).status_code in (200, 302)
    assert SurveyResponse.objects.count() == 0  # no tenant set here: the policy hides it
    with rls.cross_tenant("check"):
        assert SurveyResponse.objects.filter(invitation__case=case).count() == 1


def test_rls_setup_installs_the_policies_and_grants_an_existing_role(app_role):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("rls_setup", "--app-role", app_role, stdout=out)
    assert f"{len(tenant_owned_tables())} tables under row-level security" in out.getvalue()
    with pytest.raises(CommandError, match="No role “nobody_here”"):
        call_command("rls_setup", "--app-role", "nobody_here")


def test_every_task_says_which_rows_it_may_see():
    from django.conf import settings

    from helpdesk.celery import app

    app.autodiscover_tasks(lambda: settings.INSTALLED_APPS, force=True)  # every app's tasks module
    ours = {name for name in app.tasks if not name.startswith("celery.")}
    assert {"helpdesk.outbox_send", "sla.sweep_breaches"} <= ours  # the registry is loaded
    unclassified = ours - rls.CROSS_TENANT_TASKS - set(rls.ROW_TASKS)
    assert sorted(unclassified) == [], "add these to rls.CROSS_TENANT_TASKS or rls.ROW_TASKS"
