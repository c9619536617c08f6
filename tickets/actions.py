"""The actions the case page offers: for each, its form, the roles and case statuses it is
offered in, the one service it calls and what the page says when it is done. Every call passes
the case version the form was shown with, so a repeated or stale submission is refused."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from helpdesk.models import User
from tickets.forms import (
    AttachForm,
    CallForm,
    CaseActionForm,
    CommentForm,
    DetailsForm,
    EngineeringLinkForm,
    EscalateForm,
    MessageForm,
    NothingForm,
    PriorityForm,
    ReasonForm,
    ReassignForm,
    StaffEscalateForm,
    WorkaroundForm,
)
from tickets.models import Case
from tickets.operations import MERCHANT, OPERATIONS, STAFF, operation_allowed


def _same(user: User, data: dict[str, Any]) -> dict[str, Any]:
    return data


@dataclass(frozen=True)
class CaseAction:
    """One action on the case page: its form, the operation it runs (tickets.operations: who may,
    in which statuses, which service), the service's fields from the form's, and what it tells
    the user. `offered_to` narrows the roles the page offers it to."""

    label: str
    form: type[CaseActionForm]
    operation: str
    done: str
    fields: Callable[[User, dict[str, Any]], dict[str, Any]] = _same
    offered_to: frozenset[str] | None = None

    def perform(self, case: Case, user: User, data: dict[str, Any], version: int) -> object:
        return OPERATIONS[self.operation].perform(
            case=case, actor=user, fields=self.fields(user, data), version=version
        )


def _public(data: dict[str, Any], **renamed: str) -> dict[str, Any]:
    fields = {renamed.get(name, name): value for name, value in data.items() if name != "internal"}
    return {**fields, "public": not data.get("internal")}


CASE_ACTIONS: dict[str, CaseAction] = {
    "take": CaseAction(
        "Take this case", NothingForm, "assign", "You own this case now.", lambda user, data: {"assignee": user}
    ),
    "comment": CaseAction(
        "Add a message",
        CommentForm,
        "comment",
        "Your message is on the case.",
        lambda user, data: _public(data, file="files"),
    ),
    "attach": CaseAction(
        "Attach a file", AttachForm, "attach", "The file is on the case.", lambda user, data: _public(data)
    ),
    "details": CaseAction(
        "Edit details",
        DetailsForm,
        "update-details",
        "The case's details are updated.",
        lambda user, data: {"changes": data},
    ),
    "request-info": CaseAction(
        "Ask the merchant for information",
        MessageForm,
        "request-information",
        "The merchant is asked; the resolution clock is paused until they answer.",
    ),
    "workaround": CaseAction(
        "Record a workaround", WorkaroundForm, "record-workaround", "The workaround is on the case."
    ),
    "link-engineering": CaseAction(
        "Link an engineering issue",
        EngineeringLinkForm,
        "link-engineering-issue",
        "Linked: the merchant hears when the engineering issue changes state.",
    ),
    "priority": CaseAction(
        "Change the priority",
        PriorityForm,
        "change-priority",
        "Priority changed; the deadlines are recomputed from the opening time.",
    ),
    "reassign": CaseAction("Reassign", ReassignForm, "reassign", "The case has a new owner."),
    "resolve": CaseAction(
        "Propose the resolution",
        MessageForm,
        "resolve",
        "Resolution proposed: the merchant confirms it, or it closes by itself after the waiting days.",
        lambda user, data: {"summary": data["message"]},
    ),
    "confirm-closure": CaseAction(
        "Close as the merchant asked", NothingForm, "confirm-closure", "The case is closed as the merchant asked."
    ),
    "request-closure": CaseAction(
        "Ask to close this case", ReasonForm, "request-closure", "Your analyst will confirm the closure."
    ),
    "escalate": CaseAction(
        "Escalate to a support manager",
        EscalateForm,
        "escalate",
        "A support manager has your escalation and will contact you.",
        offered_to=MERCHANT,
    ),
    "log-call": CaseAction(
        "Log a phone call",
        CallForm,
        "log-call",
        "The call is on the case.",
        lambda user, data: _public(data),
    ),
    "escalate-staff": CaseAction(
        "Escalate",
        StaffEscalateForm,
        "escalate",
        "Escalated: the managers are told and the escalation is on the escalations page.",
        offered_to=STAFF,
    ),
}


def offered_actions(case: Case, role: str) -> list[str]:
    """The actions this role can take on the case as it stands (the services decide in the end)."""
    hidden = {
        "take": case.assignee_id is not None,
        "reassign": case.assignee_id is None,
        "confirm-closure": case.closure_requested_at is None,
        "request-closure": case.closure_requested_at is not None,
    }
    return [
        name
        for name, action in CASE_ACTIONS.items()
        if operation_allowed(action.operation, case=case, role=role)
        and (action.offered_to is None or role in action.offered_to)
        and not hidden.get(name, False)
    ]
