"""Who works a case: assigning an unassigned case, and handing it over for a recorded reason."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from helpdesk.errors import ValidationFailed
from helpdesk.models import User
from sla.models import MetBy
from tickets.models import ACTIVE_STATUSES, Case, Status
from tickets.services._clock_steps import meet_first_response, record_met
from tickets.services._common import check_staff_user, illegal, lock_case, now_or, record, require_staff, save_case


class ReassignReason:
    TIME_ZONE = "time_zone"
    EXPERTISE = "expertise"
    WORKLOAD = "workload"
    OTHER = "other"
    LABELS = {
        TIME_ZONE: "Time-zone hand-off",
        EXPERTISE: "Different product expertise",
        WORKLOAD: "Workload",
        OTHER: "Other",
    }


@transaction.atomic
def case_assign(
    *, case: Case, actor: User, assignee: User, at: datetime | None = None, expected_version: int | None = None
) -> Case:
    """Give an unassigned case to an analyst (who then owns it until it closes)."""
    at = now_or(at)
    case = lock_case(case, expected_version=expected_version)
    require_staff(case, actor, "assign cases")
    check_staff_user(case, assignee)
    if case.status not in ACTIVE_STATUSES:
        raise illegal(case, "assigned")
    if case.assignee_id is not None:
        raise ValidationFailed(
            f"Case {case.number} is assigned to {case.assignee.get_full_name()} already: reassign it with a reason.",
            errors={"assignee": ["Already assigned; use reassign."]},
        )
    old_status = case.status
    case.assignee = assignee
    case.status = Status.OPEN if case.status in (Status.NEW, Status.REOPENED) else case.status
    clocks = meet_first_response(case, MetBy.ASSIGNMENT, at)
    save_case(case, ["assignee", "status", "sla_due_at"], at=at)
    record(
        case,
        "case.assigned",
        actor=actor,
        at=at,
        old={"status": old_status},
        new={"assignee": assignee.email, "status": case.status},
    )
    record_met(case, clocks, at)
    return case


@transaction.atomic
def case_reassign(
    *,
    case: Case,
    actor: User,
    assignee: User,
    reason: str,
    note: str = "",
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Case:
    """Hand an assigned case to another analyst, for a recorded reason."""
    at = now_or(at)
    case = lock_case(case, expected_version=expected_version)
    require_staff(case, actor, "reassign cases")
    check_staff_user(case, assignee)
    if case.status not in ACTIVE_STATUSES:
        raise illegal(case, "reassigned")
    if reason not in ReassignReason.LABELS:
        choices = ", ".join(label.lower() for label in ReassignReason.LABELS.values())
        raise ValidationFailed(f"Say why the case changes hands: {choices}.", errors={"reason": ["Required."]})
    if case.assignee_id is None:
        raise ValidationFailed(
            f"Case {case.number} is unassigned: assign it instead.", errors={"assignee": ["Unassigned."]}
        )
    if case.assignee_id == assignee.pk:
        raise ValidationFailed("The case is assigned to that analyst already.", errors={"assignee": ["Same analyst."]})
    old = case.assignee
    case.assignee = assignee
    save_case(case, ["assignee"], at=at)
    record(
        case,
        "case.reassigned",
        actor=actor,
        at=at,
        old={"assignee": old.email},
        new={"assignee": assignee.email, "reason": reason},
        note=note.strip(),
    )
    return case
