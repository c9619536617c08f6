"""Changing a case's descriptive fields, workaround and priority, all at once or one at a time,
in one trip through the case (`case_update`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from helpdesk.errors import ValidationFailed
from helpdesk.models import User
from sla.services import clocks_retarget
from tickets.account_rollup import account_sla_mark
from tickets.models import Case, Category, Priority, Status
from tickets.services._common import (
    check_actor,
    check_cc_emails,
    illegal,
    lock_case,
    now_or,
    record,
    refuse_retired_priority,
    require_staff,
    require_text,
    save_case,
)


@transaction.atomic
def case_change_priority(
    *,
    case: Case,
    actor: User,
    priority: Priority,
    reason: str,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Case:
    """Move the case to another priority; its deadlines are recomputed from the opening time with
    the new targets (of the policy version the case opened under), minus paused time."""
    return case_update(
        case=case, actor=actor, priority=priority, priority_reason=reason, at=at, expected_version=expected_version
    )


@transaction.atomic
def case_record_workaround(
    *, case: Case, actor: User, workaround: str, at: datetime | None = None, expected_version: int | None = None
) -> Case:
    return case_update(case=case, actor=actor, workaround=workaround, at=at, expected_version=expected_version)


MERCHANT_EDITABLE = ("recent_changes", "business_impact", "steps_to_reproduce", "cc_emails")
STAFF_EDITABLE = (*MERCHANT_EDITABLE, "category")


@transaction.atomic
def case_update_details(
    *,
    case: Case,
    actor: User,
    changes: dict[str, object],
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Case:
    """Change descriptive fields: the merchant its own, staff also the category."""
    return case_update(case=case, actor=actor, details=changes, at=at, expected_version=expected_version)


@dataclass
class _Change:
    """What one part of an update did to the locked case: the fields to save and its event."""

    fields: list[str]
    code: str
    old: dict[str, Any]
    new: dict[str, Any]
    note: str = ""


@transaction.atomic
def case_update(
    *,
    case: Case,
    actor: User,
    details: dict[str, object] | None = None,
    workaround: str | None = None,
    priority: Priority | None = None,
    priority_reason: str = "",
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Case:
    """Change a case's descriptive fields, workaround and priority together, all or nothing: the
    case is locked, saved and its version bumped once, with one event per kind of change."""
    at = now_or(at)
    case = lock_case(case, expected_version=expected_version)
    check_actor(case, actor)
    changes = [
        _details_change(case, actor, details) if details else None,
        _workaround_change(case, actor, workaround) if workaround is not None else None,
        _priority_change(case, actor, priority, priority_reason, at) if priority is not None else None,
    ]
    done = [change for change in changes if change is not None]
    if not done:
        return case
    save_case(case, [name for change in done for name in change.fields], at=at)
    for change in done:
        record(case, change.code, actor=actor, at=at, old=change.old, new=change.new, note=change.note)
    return case


def _details_change(case: Case, actor: User, changes: dict[str, object]) -> _Change | None:
    allowed = STAFF_EDITABLE if actor.is_support_staff else MERCHANT_EDITABLE
    refused = sorted(set(changes) - set(allowed))
    if refused:
        raise ValidationFailed(
            f"Your role cannot change {', '.join(refused)}.",
            errors={name: ["Not editable by you."] for name in refused},
        )
    if case.status == Status.CLOSED:
        raise illegal(case, "edited")
    if "category" in changes and changes["category"] not in Category.values:
        raise ValidationFailed("Unknown category.", errors={"category": ["Unknown category."]})
    if "cc_emails" in changes:
        changes = {**changes, "cc_emails": check_cc_emails(changes["cc_emails"])}
    old = {name: getattr(case, name) for name in changes}
    changed = {name: value for name, value in changes.items() if old[name] != value}
    if not changed:
        return None
    for name, value in changed.items():
        setattr(case, name, value)
    return _Change(list(changed), "case.updated", {n: old[n] for n in changed}, changed)


def _workaround_change(case: Case, actor: User, workaround: str) -> _Change:
    require_staff(case, actor, "record workarounds")
    workaround = require_text(workaround, "workaround", "Describe the workaround.")
    if case.status == Status.CLOSED:
        raise illegal(case, "given a workaround")
    old = case.workaround
    case.workaround = workaround
    return _Change(["workaround"], "case.workaround_recorded", {"workaround": old}, {"workaround": workaround})


def _priority_change(case: Case, actor: User, priority: Priority, reason: str, at: datetime) -> _Change:
    require_staff(case, actor, "change a case's priority")
    reason = require_text(reason, "reason", "Say why the priority changes.")
    if priority.tenant_id != case.tenant_id:
        raise ValidationFailed("No such priority.", errors={"priority": ["Unknown priority."]})
    if case.status == Status.CLOSED:
        raise illegal(case, "reprioritised")
    if priority.pk == case.priority_id:
        raise ValidationFailed(f"The case is {priority.name} already.", errors={"priority": ["Unchanged."]})
    refuse_retired_priority(priority)
    old = case.priority
    case.priority = priority
    due, case.sla_due_at = clocks_retarget(case=case, at=at)
    account_sla_mark(case)
    return _Change(
        ["priority", "sla_due_at"],
        "case.priority_changed",
        {"priority": old.name, **{f"{m}_due": v[0] for m, v in due.items()}},
        {"priority": priority.name, **{f"{m}_due": v[1] for m, v in due.items()}},
        note=reason,
    )
