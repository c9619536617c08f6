"""Monitoring alerts: the first firing alert opens a case, later ones add to it while it is open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction

from helpdesk.errors import ValidationFailed
from helpdesk.models import Account, Store, User
from tickets.models import AlertKind, AlertRoute, AlertSeverity, Case, Channel, MonitoringAlert, Priority, Status
from tickets.services._common import now_or
from tickets.services.conversation import comment_add
from tickets.services.opening import case_open

SEVERITY_ORDER: list[str] = [AlertSeverity.CRITICAL, AlertSeverity.MAJOR, AlertSeverity.MINOR, AlertSeverity.INFO]


@dataclass(frozen=True)
class AlertOutcome:
    action: str  # opened, added, resolved, ignored
    case: Case | None


def alert_priority(*, account: Account, kind: str, severity: str) -> Priority:
    """The tenant's route for (kind, severity); without one, severities map onto the priority
    scheme in order (critical → the most urgent level, info → the least). Retired priorities are
    not chosen anew: a route to one is passed over as if it were not there."""
    route = (
        AlertRoute.objects.for_tenant(account.tenant)
        .filter(kind=kind, severity=severity, priority__retired=False)
        .select_related("priority")
    )
    found = route.first()
    if found is not None:
        return found.priority
    levels = list(Priority.objects.for_tenant(account.tenant).filter(retired=False).order_by("rank"))
    if not levels:
        raise ValidationFailed("The tenant has no priorities to open cases at.", errors={})
    return levels[min(SEVERITY_ORDER.index(severity), len(levels) - 1)]


@transaction.atomic
def alert_receive(
    *,
    account: Account,
    store: Store | None,
    actor: User,
    dedup_key: str,
    kind: str,
    severity: str,
    summary: str,
    firing: bool,
    at: datetime | None = None,
) -> AlertOutcome:
    """Take one alert from monitoring: open a case for a new firing alert (or one whose case has
    closed), note a repeat or a resolution on its open case, ignore a resolution nobody waits for."""
    at = now_or(at)
    if kind not in AlertKind.values or severity not in AlertSeverity.values:
        raise ValidationFailed(
            "Unknown alert kind or severity.",
            errors={"kind": list(AlertKind.values), "severity": list(AlertSeverity.values)},
        )
    # Keys are per account: another account's alert with this key is not looked at, so it is
    # neither changed nor hinted at by the answer.
    alerts = MonitoringAlert.objects.for_tenant(account.tenant).filter(account=account, dedup_key=dedup_key)
    alert = alerts.select_for_update(of=("self",)).select_related("case").first()
    if alert is not None and alert.case.status != Status.CLOSED:
        return _on_open_case(alert, actor=actor, summary=summary, firing=firing, at=at)
    if not firing:
        return AlertOutcome("ignored", alert.case if alert else None)
    case = _open_case(account=account, store=store, actor=actor, kind=kind, severity=severity, summary=summary, at=at)
    if alert is None:
        _alert_create(account=account, dedup_key=dedup_key, case=case, kind=kind, severity=severity, at=at)
    else:
        alert.case, alert.times_fired, alert.status = case, 1, "firing"
        alert.first_fired_at = alert.last_seen_at = at
        alert.save(update_fields=["case", "times_fired", "status", "first_fired_at", "last_seen_at"])
    return AlertOutcome("opened", case)


def _on_open_case(alert: MonitoringAlert, *, actor: User, summary: str, firing: bool, at: datetime) -> AlertOutcome:
    """A repeat (firing) or a resolution of an alert whose case is still open: noted on the case."""
    if not firing:
        alert.status, alert.last_seen_at = "resolved", at
        alert.save(update_fields=["status", "last_seen_at"])
        _note(alert.case, actor, f"Monitoring: alert resolved — {summary}", at)
        return AlertOutcome("resolved", alert.case)
    alert.times_fired += 1
    alert.status, alert.last_seen_at = "firing", at
    alert.save(update_fields=["times_fired", "status", "last_seen_at"])
    _note(alert.case, actor, f"Monitoring: alert fired again ({alert.times_fired} times) — {summary}", at)
    return AlertOutcome("added", alert.case)


def _open_case(
    *, account: Account, store: Store | None, actor: User, kind: str, severity: str, summary: str, at: datetime
) -> Case:
    """The alert's case, for the reporting merchant user or else the account's technical contact."""
    requester = actor if actor.account_id == account.pk else account.technical_contact
    if requester is None:
        raise ValidationFailed(
            f"{account.name} has no technical contact to open the case for.",
            errors={"requester": ["The account has no technical contact."]},
        )
    return case_open(
        tenant=account.tenant,
        account=account,
        requester=requester,
        opened_by=actor,
        subject=summary[:200],
        description=f"Opened by monitoring ({AlertKind(kind).label}, {severity}).\n\n{summary}",
        priority=alert_priority(account=account, kind=kind, severity=severity),
        store=store,
        channel=Channel.MONITORING,
        at=at,
    )


def _alert_create(*, account: Account, dedup_key: str, case: Case, kind: str, severity: str, at: datetime) -> None:
    try:
        with transaction.atomic():
            MonitoringAlert.objects.create(
                tenant=account.tenant,
                account=account,
                dedup_key=dedup_key,
                case=case,
                kind=kind,
                severity=severity,
                first_fired_at=at,
                last_seen_at=at,
            )
    except IntegrityError:
        raise ValidationFailed("An alert with this key is being handled right now; send it again.", errors={}) from None


def _note(case: Case, actor: User, text: str, at: datetime) -> None:
    # comment_add locks the case (once) with what its mail reads.
    comment_add(
        case=case,
        actor=actor,
        body=text,
        public=not actor.is_support_staff,
        channel=Channel.MONITORING,
        at=at,
    )
