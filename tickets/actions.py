"""The actions the case page offers: for each, its form, the roles and case statuses it is
offered in, the one service it calls and what the page says when it is done. Every call passes
the case version the form was shown with, so a repeated or stale submission is refused."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from helpdesk.models import User
from helpdesk.roles import MERCHANT_ROLES, STAFF_ROLES
from tickets.forms import (
    AttachForm,
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
    WorkaroundForm,
)
from tickets.models import ACTIVE_STATUSES, Case, Status
from tickets.services import (
    attachment_add,
    case_assign,
    case_change_priority,
    case_confirm_closure,
    case_propose_resolution,
    case_reassign,
    case_record_workaround,
    case_request_closure,
    case_request_information,
    case_update_details,
    comment_add,
    engineering_issue_link,
    escalation_raise,
)


@dataclass(frozen=True)
class CaseAction:
    """One action on the case page: its form, who is offered it in which statuses, the service
    it calls (with the case version the form was shown with) and what it tells the user."""

    label: str
    form: type[CaseActionForm]
    roles: frozenset[str]
    statuses: frozenset[str]
    perform: Callable[[Case, User, dict[str, Any], int], object]
    done: str


STAFF = STAFF_ROLES
MERCHANT = MERCHANT_ROLES
EVERYONE = STAFF | MERCHANT
WORKING = frozenset(ACTIVE_STATUSES)
NOT_CLOSED = WORKING | {Status.RESOLVED}

CASE_ACTIONS: dict[str, CaseAction] = {
    "take": CaseAction(
        "Take this case",
        NothingForm,
        STAFF,
        WORKING,
        lambda case, user, data, version: case_assign(case=case, actor=user, assignee=user, expected_version=version),
        "You own this case now.",
    ),
    "comment": CaseAction(
        "Add a message",
        CommentForm,
        EVERYONE,
        NOT_CLOSED,
        lambda case, user, data, version: comment_add(
            case=case, actor=user, body=data["body"], public=not data.get("internal"), expected_version=version
        ),
        "Your message is on the case.",
    ),
    "attach": CaseAction(
        "Attach a file",
        AttachForm,
        EVERYONE,
        NOT_CLOSED,
        lambda case, user, data, version: attachment_add(
            case=case,
            actor=user,
            file=data["file"],
            public=not data.get("internal"),
            expected_version=version,
        ),
        "The file is on the case.",
    ),
    "details": CaseAction(
        "Edit details",
        DetailsForm,
        EVERYONE,
        NOT_CLOSED,
        lambda case, user, data, version: case_update_details(
            case=case, actor=user, changes=data, expected_version=version
        ),
        "The case's details are updated.",
    ),
    "request-info": CaseAction(
        "Ask the merchant for information",
        MessageForm,
        STAFF,
        frozenset({Status.NEW, Status.OPEN, Status.REOPENED}),
        lambda case, user, data, version: case_request_information(
            case=case, actor=user, message=data["message"], expected_version=version
        ),
        "The merchant is asked; the resolution clock is paused until they answer.",
    ),
    "workaround": CaseAction(
        "Record a workaround",
        WorkaroundForm,
        STAFF,
        WORKING,
        lambda case, user, data, version: case_record_workaround(
            case=case, actor=user, workaround=data["workaround"], expected_version=version
        ),
        "The workaround is on the case.",
    ),
    "link-engineering": CaseAction(
        "Link an engineering issue",
        EngineeringLinkForm,
        STAFF,
        NOT_CLOSED,
        lambda case, user, data, version: engineering_issue_link(
            case=case, actor=user, expected_version=version, **data
        ),
        "Linked: the merchant hears when the engineering issue changes state.",
    ),
    "priority": CaseAction(
        "Change the priority",
        PriorityForm,
        STAFF,
        WORKING,
        lambda case, user, data, version: case_change_priority(
            case=case, actor=user, priority=data["priority"], reason=data["reason"], expected_version=version
        ),
        "Priority changed; the deadlines are recomputed from the opening time.",
    ),
    "reassign": CaseAction(
        "Reassign",
        ReassignForm,
        STAFF,
        WORKING,
        lambda case, user, data, version: case_reassign(case=case, actor=user, expected_version=version, **data),
        "The case has a new owner.",
    ),
    "resolve": CaseAction(
        "Propose the resolution",
        MessageForm,
        STAFF,
        WORKING,
        lambda case, user, data, version: case_propose_resolution(
            case=case, actor=user, summary=data["message"], expected_version=version
        ),
        "Resolution proposed: the merchant confirms it, or it closes by itself after the waiting days.",
    ),
    "confirm-closure": CaseAction(
        "Close as the merchant asked",
        NothingForm,
        STAFF,
        NOT_CLOSED,
        lambda case, user, data, version: case_confirm_closure(case=case, actor=user, expected_version=version),
        "The case is closed as the merchant asked.",
    ),
    "request-closure": CaseAction(
        "Ask to close this case",
        ReasonForm,
        MERCHANT,
        WORKING,
        lambda case, user, data, version: case_request_closure(
            case=case, actor=user, reason=data["reason"], expected_version=version
        ),
        "Your analyst will confirm the closure.",
    ),
    "escalate": CaseAction(
        "Escalate to a support manager",
        EscalateForm,
        MERCHANT,
        NOT_CLOSED,
        lambda case, user, data, version: escalation_raise(
            case=case, actor=user, reason=data["reason"], notes=data["notes"], expected_version=version
        ),
        "A support manager has your escalation and will contact you.",
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
        if role in action.roles and case.status in action.statuses and not hidden.get(name, False)
    ]
