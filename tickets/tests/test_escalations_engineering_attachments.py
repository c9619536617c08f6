"""Escalations, engineering links and attachments."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile, File
from django.test import override_settings

from helpdesk.errors import IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from helpdesk.tenancy import scope_for_user
from tickets.models import (
    CaseEvent,
    EngineeringState,
    Escalation,
    EscalationLevel,
    EscalationReason,
    EscalationState,
    RaisedBy,
)
from tickets.selectors import attachment_for_download
from tickets.services import (
    attachment_add,
    case_confirm_resolution,
    case_propose_resolution,
    engineering_issue_link,
    engineering_issue_set_state,
    escalation_acknowledge,
    escalation_raise,
    escalation_resolve,
)
from tickets.tests.factories import MONDAY_9, open_case

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_merchant_escalates_with_a_reason_and_words(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    escalation = escalation_raise(
        case=case, actor=world.merchant_a1, reason=EscalationReason.RESPONSIVENESS, notes="No reply for a day."
    )
    assert (escalation.raised_by, escalation.level, escalation.state) == (
        RaisedBy.MERCHANT,
        EscalationLevel.SUPPORT_MANAGER,
        EscalationState.OPEN,
    )
    with pytest.raises(ValidationFailed, match="Choose a reason"):
        escalation_raise(case=case, actor=world.merchant_a1, reason=EscalationReason.SLA_BREACHED, notes="x")
    with pytest.raises(ValidationFailed, match="Tell the support manager"):
        escalation_raise(case=case, actor=world.merchant_a1, reason=EscalationReason.CRITICAL_IMPACT, notes=" ")
    with pytest.raises(NotFound):
        escalation_raise(case=case, actor=world.merchant_a2, reason=EscalationReason.RESOLUTION, notes="x")


def test_escalations_escalate_even_closed_cases(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    case_propose_resolution(case=case, actor=world.analyst_a, summary="Done", at=MONDAY_9 + timedelta(hours=1))
    case_confirm_resolution(case=case, actor=world.merchant_a1, at=MONDAY_9 + timedelta(hours=2))
    escalation_raise(case=case, actor=world.merchant_a1, reason=EscalationReason.RESOLUTION, notes="Not fixed")
    raised = Escalation.objects.for_tenant(world.tenant_a).filter(case=case, reason=EscalationReason.RESOLUTION)
    assert list(raised.values_list("state", "raised_by_user")) == [(EscalationState.OPEN, world.merchant_a1.pk)]


def test_managers_acknowledge_and_resolve(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    escalation = escalation_raise(
        case=case, actor=world.analyst_a, reason=EscalationReason.CRITICAL_IMPACT, notes="Big"
    )
    with pytest.raises(PermissionDenied, match="Only support managers"):
        escalation_acknowledge(escalation=escalation, actor=world.analyst_a)
    with pytest.raises(NotFound):
        escalation_acknowledge(escalation=escalation, actor=world.manager_b)
    escalation = escalation_acknowledge(escalation=escalation, actor=world.manager_a)
    assert escalation.state == EscalationState.ACKNOWLEDGED and escalation.owner == world.manager_a
    with pytest.raises(IllegalTransition, match="only open escalations"):
        escalation_acknowledge(escalation=escalation, actor=world.manager_a)
    with pytest.raises(ValidationFailed, match="Say how"):
        escalation_resolve(escalation=escalation, actor=world.manager_a, note="")
    escalation = escalation_resolve(
        escalation=escalation, actor=world.manager_a, note="Called the merchant; fix shipped"
    )
    assert escalation.state == EscalationState.RESOLVED
    with pytest.raises(IllegalTransition, match="resolved already"):
        escalation_resolve(escalation=escalation, actor=world.manager_a, note="again")
    assert [e.code for e in CaseEvent.objects.filter(case=case, code__startswith="escalation.")] == [
        "escalation.raised",
        "escalation.acknowledged",
        "escalation.resolved",
    ]


def test_engineering_issue_changes_reach_every_linked_open_case(world, setup_a):
    first, second = open_case(world.account_a1, setup_a.normal), open_case(world.account_a2, setup_a.normal)
    closed = open_case(world.account_a1, setup_a.normal)
    issue = engineering_issue_link(
        case=first, actor=world.analyst_a, reference="ENG-4521", url="https://jira.example/ENG-4521"
    )
    assert engineering_issue_link(case=second, actor=world.analyst_a, reference="ENG-4521") == issue
    engineering_issue_link(case=closed, actor=world.analyst_a, reference="ENG-4521")
    case_propose_resolution(case=closed, actor=world.analyst_a, summary="x", at=MONDAY_9 + timedelta(hours=1))
    case_confirm_resolution(case=closed, actor=world.merchant_a1, at=MONDAY_9 + timedelta(hours=2))
    with pytest.raises(ValidationFailed, match="linked to ENG-4521 already"):
        engineering_issue_link(case=first, actor=world.analyst_a, reference="ENG-4521")
    engineering_issue_set_state(tenant=world.tenant_a, issue=issue, actor=world.analyst_a, state=EngineeringState.FIXED)
    changed = CaseEvent.objects.filter(code="case.engineering_changed")
    assert set(changed.values_list("case", flat=True)) == {first.pk, second.pk}
    assert changed.first().new == {"reference": "ENG-4521", "state": "fixed"}
    with pytest.raises(PermissionDenied):
        engineering_issue_set_state(tenant=world.tenant_a, issue=issue, actor=world.merchant_a1, state="released")


def test_another_tenant_has_its_own_engineering_references(world, setup_a, setup_b):
    a = engineering_issue_link(
        case=open_case(world.account_a1, setup_a.normal), actor=world.analyst_a, reference="ENG-1"
    )
    b = engineering_issue_link(
        case=open_case(world.account_b1, setup_b.normal), actor=world.analyst_b, reference="ENG-1"
    )
    assert a.pk != b.pk and a.tenant_id != b.tenant_id


def test_attachments_are_checked_by_content(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    image = attachment_add(case=case, actor=world.merchant_a1, file=ContentFile(PNG, name="screen.png"))
    assert image.content_type == "image/png" and image.size == len(PNG)
    log = attachment_add(
        case=case, actor=world.analyst_a, file=ContentFile(b"ERROR sync failed\n", name="sync.log"), public=False
    )
    assert log.content_type == "text/plain" and not log.is_public
    with pytest.raises(ValidationFailed, match="Only images"):
        attachment_add(
            case=case, actor=world.merchant_a1, file=ContentFile(b"MZ\x90\x00\x03\x00\x00\x00", name="invoice.pdf")
        )
    with pytest.raises(ValidationFailed, match="empty"):
        attachment_add(case=case, actor=world.merchant_a1, file=ContentFile(b"", name="x.txt"))
    with (
        override_settings(ATTACHMENT_MAX_BYTES=1024),
        pytest.raises(ValidationFailed, match="The file is 2 KB; attachments may be up to 1 KB"),
    ):
        attachment_add(case=case, actor=world.merchant_a1, file=ContentFile(b"a" * 2048, name="big.txt"))


class _FileThatMustNotBeRead(File):
    """An upload as large as its size says, which fails the test if anything reads it."""

    def __init__(self, size: int) -> None:
        super().__init__(io.BytesIO(), name="huge.log")
        self.size = size

    def read(self, *args: object) -> bytes:
        raise AssertionError("the file was read before its size was checked")

    def chunks(self, chunk_size: int | None = None):
        raise AssertionError("the file was read before its size was checked")


def test_a_file_over_the_limit_is_refused_by_its_size_before_any_of_it_is_read(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    with pytest.raises(ValidationFailed, match="attachments may be up to") as refused:
        attachment_add(case=case, actor=world.merchant_a1, file=_FileThatMustNotBeRead(80 * 1_048_576))
    assert refused.value.errors == {"file": ["The file is 80.0 MB; attachments may be up to 10.0 MB."]}
    assert not case.attachments.exists()


def test_a_text_file_is_judged_by_all_of_its_bytes_not_just_the_first_chunk(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    # Valid text for well over one chunk, then a byte that is not UTF-8 (an executable tail).
    text_then_binary = b"INFO all good\n" * 10_000 + b"\xff\xfe binary"
    with pytest.raises(ValidationFailed, match="Only images"):
        attachment_add(case=case, actor=world.merchant_a1, file=ContentFile(text_then_binary, name="sync.log"))
    long_log = b"INFO all good \xe2\x9c\x93\n" * 10_000  # multi-byte characters across chunk edges
    stored = attachment_add(case=case, actor=world.merchant_a1, file=ContentFile(long_log, name="sync.log"))
    assert stored.content_type == "text/plain" and stored.size == len(long_log)
    assert stored.file.read() == long_log


def test_attachments_are_readable_only_through_the_authorisation_check(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    public = attachment_add(case=case, actor=world.merchant_a1, file=ContentFile(PNG, name="screen.png"))
    internal = attachment_add(
        case=case, actor=world.analyst_a, file=ContentFile(b"trace", name="trace.txt"), public=False
    )
    merchant, other_merchant = scope_for_user(world.merchant_a1), scope_for_user(world.merchant_a2)
    assert attachment_for_download(scope=merchant, token=public.token) == public
    assert attachment_for_download(scope=scope_for_user(world.analyst_a), token=internal.token) == internal
    for scope, token in [
        (merchant, internal.token),
        (other_merchant, public.token),
        (scope_for_user(world.analyst_b), public.token),
    ]:
        with pytest.raises(NotFound, match="No such attachment"):
            attachment_for_download(scope=scope, token=token)
    assert public.file.read() == PNG


def test_a_planned_release_shows_on_every_linked_case_until_fixed(client, world, setup_a):
    first, second = open_case(world.account_a1, setup_a.normal), open_case(world.account_a1, setup_a.low)
    client.force_login(world.analyst_a)
    linked = client.post(
        f"/cases/{first.number}/do/link-engineering/",
        {"reference": "ENG-77", "target_release": "2.4.7", "version": first.version},
    )
    assert linked.status_code == 302, linked.content
    issue = engineering_issue_link(case=second, actor=world.analyst_a, reference="ENG-77")
    assert issue.target_release == "2.4.7"
    client.force_login(world.merchant_a1)
    for case in (first, second):
        assert "fix planned for release 2.4.7" in client.get(f"/cases/{case.number}/").content.decode()
    engineering_issue_link(
        case=open_case(world.account_a1, setup_a.normal),
        actor=world.analyst_a,
        reference="ENG-77",
        target_release="2.4.8",
    )
    assert "fix planned for release 2.4.8" in client.get(f"/cases/{first.number}/").content.decode()
    engineering_issue_set_state(tenant=world.tenant_a, issue=issue, actor=world.analyst_a, state=EngineeringState.FIXED)
    assert "fix planned for release" not in client.get(f"/cases/{first.number}/").content.decode()
