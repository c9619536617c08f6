"""How a demo case is written down and played. A scenario (`Scenario`) says how a case opens and
its steps in order, each naming the change (`Step.action`), who makes it (`Cast`) and when
(`When`, relative to now so the queue looks alive whenever the demo is seeded). `play` is the one
function that turns a row into service calls, so a new scenario is a new row (in `demo.cases`),
not another copy of the calls."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from helpdesk.models import Account, Tenant, User
from sla.calendar_cache import load_calendar
from sla.models import Calendar
from tickets.models import Case, EngineeringIssue, Priority, Status
from tickets.services import (
    case_assign,
    case_confirm_resolution,
    case_open,
    case_propose_resolution,
    case_reassign,
    case_record_workaround,
    case_reopen,
    case_request_information,
    comment_add,
    engineering_issue_link,
    engineering_issue_set_state,
    escalation_raise,
)

H = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class When:
    """An instant of the demo: `offset` after the case opened (`since="opened"`), before now
    (`since="now"`), or that many business hours before now (`since="business"`, hours)."""

    since: str
    offset: timedelta


def ago(offset: timedelta) -> When:
    return When("now", offset)


def business_hours_ago(hours: float) -> When:
    return When("business", timedelta(hours=hours))


def after_opening(offset: timedelta) -> When:
    return When("opened", offset)


@dataclass(frozen=True)
class Step:
    """One change after the case opened. `by` is "analyst", "analyst2" or "contact" (the account's
    technical contact); `args` are the service's own arguments (assignees named like `by`)."""

    action: str
    at: When
    by: str = "analyst"
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    tenant: str
    account: str
    priority: str
    subject: str
    description: str
    opened: When
    ends_in: Status  # the status the steps leave it in (before the SLA sweeps); the demo tests check it
    fields: dict[str, Any] = field(default_factory=dict)  # case_open's optional fields
    opened_by: str = ""  # empty: the account's technical contact, in the portal
    steps: tuple[Step, ...] = ()


@dataclass
class Cast:
    """Who acts in one tenant's scenarios, and the demo's now."""

    tenant: Tenant
    analyst: User
    analyst2: User
    now: datetime

    def account(self, slug: str) -> Account:
        return Account.objects.for_tenant(self.tenant).select_related("technical_contact").get(slug=slug)

    def person(self, who: str, account: Account) -> User:
        return account.technical_contact if who == "contact" else getattr(self, who)

    def instant(self, when: When, opened_at: datetime | None = None) -> datetime:
        if when.since == "opened":
            if opened_at is None:
                raise ValueError("only a step happens after its case opened")
            return opened_at + when.offset
        if when.since == "business":
            calendar = Calendar.objects.for_tenant(self.tenant).get(name="business")
            return load_calendar(calendar).business.subtract_business_time(self.now, when.offset)
        return self.now - when.offset


def play(cast: Cast, scenario: Scenario) -> Case:
    """Open the scenario's case and make each of its steps through the services, in order."""
    account = cast.account(scenario.account)
    extra = dict(scenario.fields)
    if scenario.opened_by:
        extra["opened_by"] = cast.person(scenario.opened_by, account)
    case = case_open(
        tenant=cast.tenant,
        account=account,
        requester=account.technical_contact,
        subject=scenario.subject,
        description=scenario.description,
        priority=Priority.objects.for_tenant(cast.tenant).get(name=scenario.priority),
        store=account.stores.for_tenant(cast.tenant).first(),
        at=cast.instant(scenario.opened),
        **extra,
    )
    issue: EngineeringIssue | None = None
    for step in scenario.steps:
        actor, at, args = cast.person(step.by, account), cast.instant(step.at, case.opened_at), step.args
        match step.action:
            case "assign":
                case_assign(case=case, actor=actor, assignee=cast.person(args["assignee"], account), at=at)
            case "reassign":
                assignee = cast.person(args["assignee"], account)
                case_reassign(case=case, actor=actor, at=at, **{**args, "assignee": assignee})
            case "reply" | "note":
                comment_add(case=case, actor=actor, body=args["body"], public=step.action == "reply", at=at)
            case "request_information":
                case_request_information(case=case, actor=actor, message=args["message"], at=at)
            case "link":
                issue = engineering_issue_link(case=case, actor=actor, at=at, **args)
            case "engineering_state":
                if issue is None:
                    raise ValueError("a scenario links its issue before changing its state")
                engineering_issue_set_state(tenant=cast.tenant, issue=issue, actor=actor, state=args["state"], at=at)
            case "workaround":
                case_record_workaround(case=case, actor=actor, workaround=args["workaround"], at=at)
            case "propose":
                case_propose_resolution(case=case, actor=actor, summary=args["summary"], at=at)
            case "confirm":
                case_confirm_resolution(case=case, actor=actor, at=at)
            case "reopen":
                case_reopen(case=case, actor=actor, reason=args["reason"], at=at)
            case "escalate":
                escalation_raise(case=case, actor=actor, at=at, **args)
            case _:
                raise ValueError(f"Unknown demo step {step.action!r} in {scenario.subject!r}.")
    return case
