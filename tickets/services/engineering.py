"""Engineering issues: tenant-level bug records that cases link to and follow."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from helpdesk.errors import PermissionDenied, ValidationFailed
from helpdesk.models import Tenant, User
from tickets.models import Case, CaseEngineeringLink, EngineeringIssue, EngineeringState, Status
from tickets.services._common import illegal, lock_case, now_or, record, require_staff, require_text, save_case


@transaction.atomic
def engineering_issue_link(
    *,
    case: Case,
    actor: User,
    reference: str,
    url: str = "",
    title: str = "",
    target_release: str = "",
    at: datetime | None = None,
    expected_version: int | None = None,
) -> EngineeringIssue:
    """Link the case to an engineering issue, creating the issue record on first mention."""
    at = now_or(at)
    case = lock_case(case, expected_version=expected_version)
    require_staff(case, actor, "link engineering issues")
    reference = require_text(reference, "reference", "Give the engineering issue's reference, e.g. ENG-4521.")[:60]
    if case.status == Status.CLOSED:
        raise illegal(case, "linked to an engineering issue")
    given = {"url": url, "title": title, "target_release": target_release.strip()[:40]}
    issue, created = EngineeringIssue.objects.for_tenant(case.tenant).get_or_create(
        tenant_id=case.tenant_id, reference=reference, defaults={**given, "updated_at": at}
    )
    changed = [name for name, value in given.items() if value and getattr(issue, name) != value]
    if not created and changed:
        for name in changed:
            setattr(issue, name, given[name])
        issue.save(update_fields=changed)
    _, linked = CaseEngineeringLink.objects.get_or_create(
        tenant_id=case.tenant_id, case=case, issue=issue, defaults={"linked_at": at, "linked_by": actor}
    )
    if not linked:
        raise ValidationFailed(
            f"Case {case.number} is linked to {reference} already.", errors={"reference": ["Linked already."]}
        )
    save_case(case, [], at=at)
    record(
        case,
        "case.engineering_linked",
        actor=actor,
        at=at,
        new={"reference": reference, "url": issue.url, "state": issue.state, "target_release": issue.target_release},
    )
    return issue


@transaction.atomic
def engineering_issue_set_state(
    *, tenant: Tenant, issue: EngineeringIssue, actor: User | None, state: str, at: datetime | None = None
) -> EngineeringIssue:
    """Change an issue's state; every linked case that is not closed gets an event."""
    at = now_or(at)
    if actor is not None and (actor.tenant_id != tenant.pk or not actor.is_support_staff):
        raise PermissionDenied("Only support staff change engineering issues.")
    issue = EngineeringIssue.objects.for_tenant(tenant).select_for_update().get(pk=issue.pk)
    if state not in EngineeringState.values:
        raise ValidationFailed(f"Unknown state “{state}”.", errors={"state": ["Unknown state."]})
    if state == issue.state:
        return issue
    old = issue.state
    issue.state, issue.updated_at = state, at
    issue.save(update_fields=["state", "updated_at"])
    linked = Case.objects.for_tenant(tenant).filter(engineering_links__issue=issue).exclude(status=Status.CLOSED)
    for case in linked.order_by("pk"):
        case = lock_case(case)
        save_case(case, [], at=at)
        record(
            case,
            "case.engineering_changed",
            actor=actor,
            at=at,
            old={"reference": issue.reference, "state": old},
            new={"reference": issue.reference, "state": state},
        )
    return issue
