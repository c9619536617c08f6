"""Case operations are listed once (tickets.operations): the case page and the API's action
views take who may run each, in which statuses, and its service from there."""

from __future__ import annotations

import pytest
from django.urls import resolve

from helpdesk.models import Role
from tickets.actions import CASE_ACTIONS, offered_actions
from tickets.models import Case, Status
from tickets.operations import OPERATIONS

API_ACTIONS = [
    "assign",
    "reassign",
    "request-information",
    "resolve",
    "close",
    "confirm",
    "request-closure",
    "confirm-closure",
    "reopen",
    "escalate",
    "link-engineering-issue",
]


@pytest.mark.parametrize("name", API_ACTIONS)
def test_each_api_action_runs_its_operation_with_its_roles(name):
    path = "engineering-issues" if name == "link-engineering-issue" else name
    view = resolve(f"/api/v1/cases/TA-1001/{path}/").func.view_class
    assert view.operation_name == name
    assert set(view.allowed_roles) == OPERATIONS[name].roles


@pytest.mark.parametrize("role", list(Role.values))
@pytest.mark.parametrize("status", list(Status.values))
def test_the_page_offers_what_the_registry_allows_in_each_status(role, status):
    # An assigned case with a pending closure request: only "take" and "request-closure" hide.
    case = Case(status=status, assignee_id=1, closure_requested_at=None)
    offered = set(offered_actions(case, role))
    for name, action in CASE_ACTIONS.items():
        operation = OPERATIONS[action.operation]
        allowed = role in operation.roles and status in operation.statuses
        narrowed = action.offered_to is not None and role not in action.offered_to
        hidden = name in ("take", "confirm-closure")
        assert (name in offered) == (allowed and not narrowed and not hidden), name


def test_every_operation_is_run_by_the_page_or_the_api_and_nothing_else_is():
    page = {action.operation for action in CASE_ACTIONS.values()}
    assert page | set(API_ACTIONS) == set(OPERATIONS)
