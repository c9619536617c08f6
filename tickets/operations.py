"""The operations on a case, listed once: who may run each, in which statuses, and the one
service it calls. The case page (tickets.actions: forms, labels, messages) and the API's action
views (tickets.api.views.actions: serializers) are two ways in to these; neither repeats a role, a
status or a service call. The services still decide in the end: the statuses here are what the
page offers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from helpdesk.models import User
from helpdesk.roles import MERCHANT_ROLES, STAFF_ROLES
from tickets import services
from tickets.models import ACTIVE_STATUSES, Status

if TYPE_CHECKING:
    from tickets.models import Case

STAFF = STAFF_ROLES
MERCHANT = MERCHANT_ROLES
EVERYONE = STAFF | MERCHANT
WORKING = frozenset(ACTIVE_STATUSES)
NOT_CLOSED = WORKING | {Status.RESOLVED}
RESOLVED = frozenset({Status.RESOLVED})


@dataclass(frozen=True)
class Operation:
    """One thing done to a case: who may, in which statuses, and its service. A service that
    checks the case version the caller saw (`versioned`) is given it as `expected_version`."""

    roles: frozenset[str]
    statuses: frozenset[str]
    service: Callable[..., object]
    versioned: bool = True

    def perform(self, *, case: Case, actor: User, fields: dict[str, Any], version: int | None = None) -> object:
        extra = {"expected_version": version} if self.versioned else {}
        return self.service(case=case, actor=actor, **fields, **extra)


OPERATIONS: dict[str, Operation] = {
    "assign": Operation(STAFF, WORKING, services.case_assign),
    "reassign": Operation(STAFF, WORKING, services.case_reassign),
    "comment": Operation(EVERYONE, NOT_CLOSED, services.comment_add),
    "attach": Operation(EVERYONE, NOT_CLOSED, services.attachment_add),
    "update-details": Operation(EVERYONE, NOT_CLOSED, services.case_update_details),
    "request-information": Operation(
        STAFF, frozenset({Status.NEW, Status.OPEN, Status.REOPENED}), services.case_request_information
    ),
    "record-workaround": Operation(STAFF, WORKING, services.case_record_workaround),
    "change-priority": Operation(STAFF, WORKING, services.case_change_priority),
    "link-engineering-issue": Operation(STAFF, NOT_CLOSED, services.engineering_issue_link),
    "resolve": Operation(STAFF, WORKING, services.case_propose_resolution),
    "close": Operation(STAFF, RESOLVED, services.case_close, versioned=False),
    "confirm": Operation(MERCHANT, RESOLVED, services.case_confirm_resolution, versioned=False),
    "request-closure": Operation(MERCHANT, WORKING, services.case_request_closure),
    "confirm-closure": Operation(STAFF, NOT_CLOSED, services.case_confirm_closure),
    "reopen": Operation(EVERYONE, frozenset({Status.RESOLVED, Status.CLOSED}), services.case_reopen, versioned=False),
    "escalate": Operation(EVERYONE, NOT_CLOSED, services.escalation_raise),
    "log-call": Operation(STAFF, NOT_CLOSED, services.case_log_call),
}


def operation_allowed(name: str, *, case: Case, role: str) -> bool:
    operation = OPERATIONS[name]
    return role in operation.roles and case.status in operation.statuses
