"""`manage.py purge_tenant`: the one way past the history triggers, for offboarding a tenant.

Run on committed data (transaction=True) so PostgreSQL checks every foreign key at commit, as it
would in production: a table the purge missed would fail the commit here.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction

from helpdesk.models import Tenant, User
from helpdesk.purge import _is_tenant_owned
from helpdesk.services import api_key_create
from tickets.models import Case, CaseEvent
from tickets.services import attachment_add, case_assign, comment_add
from tickets.tests.factories import open_case

ROOT = Path(__file__).resolve().parent.parent
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def media(settings, tmp_path) -> Path:
    """Attachments on disk, as under MEDIA_ROOT, so the purge's file deletion is seen for real."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path


def fill(world, setup, account, staff, manager) -> list[str]:
    """Cases with events, comments and a file; an API key; an admin log line and a group for a user."""
    case = open_case(account, setup.normal)
    case_assign(case=case, actor=manager, assignee=staff)
    comment_add(case=case, actor=staff, body="Looking into it.")
    attachment = attachment_add(case=case, actor=account.technical_contact, file=ContentFile(PNG, name="a.png"))
    open_case(account, setup.urgent, subject="Site down")
    api_key_create(user=staff, name="integration")
    LogEntry.objects.create(user=manager, object_repr="x", action_flag=ADDITION)
    staff.groups.add(Group.objects.get_or_create(name="shared-group")[0])
    return [attachment.file.name]


def tenant_counts(tenant_id: int) -> dict[str, int]:
    owned = [m for m in apps.get_models(include_auto_created=True) if _is_tenant_owned(m)]
    return {m._meta.label: m._base_manager.filter(tenant_id=tenant_id).count() for m in owned}


@pytest.mark.django_db(transaction=True)
def test_purge_deletes_every_row_and_file_of_one_tenant_and_nothing_of_the_other(
    world, setup_a, setup_b, media, caplog
):
    files_a = fill(world, setup_a, world.account_a1, world.analyst_a, world.manager_a)
    files_b = fill(world, setup_b, world.account_b1, world.analyst_b, world.manager_b)
    tenant_a, tenant_b = world.tenant_a.pk, world.tenant_b.pk
    before_a, before_b = tenant_counts(tenant_a), tenant_counts(tenant_b)
    assert before_a["tickets.Case"] == 2
    assert before_a["tickets.CaseEvent"] >= 4
    assert before_a["helpdesk.User"] >= 5
    users_b = set(User.objects.filter(tenant_id=tenant_b).values_list("pk", flat=True))
    log_b = LogEntry.objects.filter(user__tenant_id=tenant_b).count()
    assert all((media / name).exists() for name in files_a + files_b)

    with caplog.at_level(logging.WARNING, logger="helpdesk.purge"):
        call_command("purge_tenant", "tenant-a", "--confirm", "tenant-a")

    assert not Tenant.objects.filter(pk=tenant_a).exists()
    assert set(tenant_counts(tenant_a).values()) == {0}
    assert tenant_counts(tenant_b) == before_b
    assert set(User.objects.filter(tenant_id=tenant_b).values_list("pk", flat=True)) == users_b
    assert LogEntry.objects.filter(user__tenant_id=tenant_b).count() == log_b
    assert LogEntry.objects.count() == log_b  # tenant A's sign-in history went with its users
    assert Group.objects.get(name="shared-group").user_set.count() == 1  # B's analyst stays a member
    assert not any((media / name).exists() for name in files_a)
    assert all((media / name).exists() for name in files_b)
    messages = [record.getMessage() for record in caplog.records]
    assert any(m.startswith("purge_tenant tenant-a (id ") and "started by" in m for m in messages)
    assert any(m.startswith("purge_tenant tenant-a finished:") and "tickets_caseevent" in m for m in messages)

    # The lift was for the purge only: the other tenant's history is still protected.
    case_b = Case.objects.filter(tenant_id=tenant_b).first()
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseEvent.objects.filter(case=case_b).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        Case.objects.filter(pk=case_b.pk).delete()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tenant-a"], "Refusing: repeat the slug to confirm"),
        (["tenant-a", "--confirm", "tenant-b"], "Refusing: repeat the slug to confirm"),
        (["tenant-a", "--confirm", "TENANT-A"], "Refusing: repeat the slug to confirm"),
        (["nobody", "--confirm", "nobody"], "No tenant “nobody”."),
    ],
)
def test_purge_refuses_unless_the_tenant_is_named_twice(world, setup_a, args, message):
    open_case(world.account_a1, setup_a.normal)
    counts = tenant_counts(world.tenant_a.pk)
    with pytest.raises(CommandError, match=message):
        call_command("purge_tenant", *args)
    assert Tenant.objects.filter(pk=world.tenant_a.pk).exists()
    assert tenant_counts(world.tenant_a.pk) == counts


@pytest.mark.slow
def test_a_refusal_is_one_line_and_a_failing_exit():
    result = subprocess.run(
        [sys.executable, "manage.py", "purge_tenant", "some-tenant", "--confirm", "other-tenant"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "CommandError: Refusing: repeat the slug to confirm, e.g. purge_tenant some-tenant --confirm some-tenant."
    ]
