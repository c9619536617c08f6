"""The demo's history: past cases over every account, priority and state, written in bulk, with
exactly the rows the life-cycle services would have written for the same plan (but no mail,
webhooks or staff notifications about the past), clocks on the business-time engine's deadlines,
answered surveys and the dashboard's roll-ups; added once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from demo.history import HISTORY_DAYS, history_actors, plan_history
from demo.history_build import HistoryBuilder
from demo.seed import HEALTH_URLS, seed_demo_history
from demo.tests.history_reference import history_snapshot, play_through_services
from helpdesk.models import Account, OutboxMessage, Store, Tenant, User, WebhookDelivery
from reports.models import DailySatisfaction, DailySlaTally
from reports.selectors.trends import attainment_by_week, median_times, satisfaction_by_week
from sla.business_time.clock_maths import instant_after, share_of
from sla.calendar_cache import clock_measure, target_commitment
from sla.models import CasePause, Metric, SlaClock, SlaTarget
from surveys.models import SurveyInvitation, SurveyResponse
from tickets.models import Case, CaseEvent, Notification, Priority, Status

pytestmark = [pytest.mark.django_db, pytest.mark.no_tenant_guard]

ACTIONS = {
    "assign",
    "reply",
    "request_information",
    "customer_reply",
    "workaround",
    "link",
    "escalate",
    "propose",
    "confirm",
    "close_unanswered",
}


def first_difference(ours: object, theirs: object) -> object:
    """The first rows (or fields) where two snapshots part, for a readable failure."""
    if isinstance(ours, list) and isinstance(theirs, list):
        pairs = [(a, b) for a, b in zip(ours, theirs, strict=False) if a != b]
        return pairs[0] if pairs else (len(ours), len(theirs))
    if isinstance(ours, dict) and isinstance(theirs, dict):
        return {k: (ours.get(k), theirs.get(k)) for k in {*ours, *theirs} if ours.get(k) != theirs.get(k)}
    return ours, theirs


def analysts(tenant: Tenant) -> tuple[User, User]:
    staff = User.objects.for_tenant(tenant)
    return staff.get(email=f"analyst@{tenant.slug}.test"), staff.get(email=f"analyst2@{tenant.slug}.test")


@pytest.mark.parametrize("slug", ["storeconnect", "magento-oms"])
def test_history_written_in_bulk_is_what_the_services_write_for_the_same_plan(slug):
    """Both tenants (one meets the first response by reply, the other by assignment; top
    priorities escalate on opening): every step of the plan played through the services, rolled
    back, then written in bulk. The rows are the same, field for field: cases (status, version,
    deadlines), clocks, pauses, comments, events (codes, old and new, notes, instants, order),
    escalations, engineering issues, surveys, the case-number sequence. Only the mail differs."""
    call_command("seed_demo")
    tenant, now = Tenant.objects.get(slug=slug), timezone.now()
    planned = plan_history(history_actors(tenant=tenant, analysts=analysts(tenant), now=now, cases=100))
    # One case of each kind (its steps, whether it escalates on opening, its survey answered or not):
    # the services are slow, which is why the history is written in bulk.
    kinds = {(tuple(s.action for s in p.steps), p.priority.escalate_on_open, p.survey is None): p for p in planned}
    plan = sorted(kinds.values(), key=lambda past: past.opened_at)
    assert {step.action for past in plan for step in past.steps} == ACTIONS
    assert any(past.survey for past in plan)
    escalating = Priority.objects.for_tenant(tenant).filter(escalate_on_open=True).exists()
    assert any(past.priority.escalate_on_open for past in plan) == escalating  # magento-oms's top two
    after_case = Case.objects.for_tenant(tenant).order_by("pk").last().pk
    with transaction.atomic():
        savepoint = transaction.savepoint()
        play_through_services(tenant, plan)
        via_services = history_snapshot(tenant, after_case=after_case)
        mail = OutboxMessage.objects.filter(case__tenant=tenant, case__pk__gt=after_case).count()
        transaction.savepoint_rollback(savepoint)
    assert mail > 0  # what the bulk writing leaves out on purpose
    assert Case.objects.for_tenant(tenant).filter(pk__gt=after_case).count() == 0
    HistoryBuilder(tenant).write(plan)
    built = history_snapshot(tenant, after_case=after_case)
    assert built["last_number"] == via_services["last_number"]
    assert built["issues"] == via_services["issues"]
    assert built["cases"].keys() == via_services["cases"].keys()
    for number, rows in via_services["cases"].items():
        for kind in {*rows, *built["cases"][number]}:
            ours, theirs = built["cases"][number].get(kind), rows.get(kind)
            assert ours == theirs, (number, kind, first_difference(ours, theirs))
    history = Case.objects.for_tenant(tenant).filter(pk__gt=after_case)
    assert not OutboxMessage.objects.filter(case__in=history).exists()
    assert not Notification.objects.filter(tenant=tenant).filter(event__case__in=history).exists()
    assert not WebhookDelivery.objects.filter(tenant=tenant).exists()


def test_history_covers_accounts_priorities_and_states_with_clocks_on_the_engines_deadlines():
    call_command("seed_demo")
    now, scenarios = timezone.now(), Case.objects.order_by("pk").last().pk
    seed_demo_history(now=now, cases=150)
    for tenant in Tenant.objects.all():
        history = Case.objects.for_tenant(tenant).filter(pk__gt=scenarios)
        assert history.count() == 150
        accounts = set(Account.objects.for_tenant(tenant).values_list("pk", flat=True))
        assert set(history.values_list("account", flat=True)) == accounts
        priorities = set(Priority.objects.for_tenant(tenant).values_list("pk", flat=True))
        assert set(history.values_list("priority", flat=True)) == priorities
        assert {Status.OPEN, Status.WAITING, Status.CLOSED} <= set(history.values_list("status", flat=True))
        assert not CaseEvent.objects.for_tenant(tenant).filter(created_at__gt=now).exists()
        assert SlaClock.objects.for_tenant(tenant).filter(case__in=history, breached_at__isnull=False).exists()
        assert SlaClock.objects.for_tenant(tenant).filter(case__in=history, breached_at__isnull=True).exists()
        for case in history.select_related("tenant"):
            check_story(case)
            check_clocks(case)
        assert DailySlaTally.objects.for_tenant(tenant).filter(day__lt=(now - timedelta(days=60)).date()).exists()
        assert DailySatisfaction.objects.for_tenant(tenant).filter(responses__gt=0).exists()


def check_story(case: Case) -> None:
    """The history reads in order: opened first, assigned, answered, and a closed case ends closed."""
    events = list(CaseEvent.objects.filter(case=case).order_by("pk"))
    codes = [event.code for event in events]
    assert codes[0] == "case.opened" and "case.assigned" in codes, case.number
    assert [e.created_at for e in events] == sorted(e.created_at for e in events), case.number
    if case.status == Status.CLOSED:
        assert "case.resolution_proposed" in codes and codes.index("case.resolution_proposed") < codes.index(
            "case.closed"
        )
        assert case.closed_at == events[codes.index("case.closed")].created_at
        assert SurveyInvitation.objects.filter(case=case, created_at=case.closed_at).exists()
    assert case.updated_at == max(e.created_at for e in events if e.code != "sla.met"), case.number


def same_instant(stored: datetime | None, computed: datetime | None) -> bool:
    """The same instant, compared in UTC: a local time in the hour repeated when daylight saving
    ends (01:00–02:00 in Los Angeles on 1 November 2026) never equals a time in another zone with
    `==` (PEP 495), though it names one instant exactly."""
    if stored is None or computed is None:
        return stored is computed
    return stored.astimezone(UTC) == computed.astimezone(UTC)


def check_clocks(case: Case) -> None:
    """Each clock's deadline is the engine's: the target's commitment from the opening, moved by
    the case's pauses for the resolution clock; met after it means breached at it."""
    pauses = [(p.started_at, p.ended_at) for p in CasePause.objects.filter(case=case).order_by("started_at")]
    for clock in SlaClock.objects.filter(case=case).select_related("calendar"):
        zone = case.tenant.time_zone
        commitment = target_commitment(target=clock, started_at=case.opened_at, zone_name=zone)
        assert clock.started_at == case.opened_at and clock.length == commitment.length
        spans = pauses if clock.metric == Metric.RESOLUTION else []
        measure = clock_measure(clock=clock, zone_name=zone)
        due = instant_after(measure=measure, started_at=clock.started_at, length=clock.length, pauses=spans)
        assert same_instant(clock.due_at, due), (case.number, clock.metric)
        at_risk = share_of(clock.length, clock.at_risk_share)
        warn = instant_after(measure=measure, started_at=clock.started_at, length=at_risk, pauses=spans)
        assert same_instant(clock.at_risk_at, warn), (case.number, clock.metric)
        if not spans:
            assert same_instant(clock.due_at, commitment.due_at), (case.number, clock.metric)
        if clock.met_at is not None and clock.due_at is not None:
            assert (clock.breached_at is not None) == (clock.met_at > clock.due_at), (case.number, clock.metric)


def test_history_is_added_once_and_answers_say_whether_expectations_were_met():
    call_command("seed_demo")
    now = timezone.now()
    took = seed_demo_history(now=now, cases=40)
    assert all(seconds is not None for seconds in took.values())
    tenant = Tenant.objects.get(slug="storeconnect")
    answers = set(SurveyResponse.objects.for_tenant(tenant).values_list("met_expectations", flat=True))
    assert {"yes", "no"} <= answers
    before = {
        model.__name__: model.objects.count()
        for model in (Case, CaseEvent, SlaClock, SurveyInvitation, SurveyResponse, DailySlaTally)
    }
    assert seed_demo_history(now=now + timedelta(minutes=5), cases=40) == {"storeconnect": None, "magento-oms": None}
    after = {
        model.__name__: model.objects.count()
        for model in (Case, CaseEvent, SlaClock, SurveyInvitation, SurveyResponse, DailySlaTally)
    }
    assert after == before
    first = Case.objects.for_tenant(tenant).order_by("opened_at").first()
    assert first.opened_at < now - timedelta(days=HISTORY_DAYS)


def test_dashboard_and_reports_show_the_history(client):
    """Every week of the history has decided clocks and answered surveys in the roll-ups, every
    priority a median time, and the manager's pages show them."""
    call_command("seed_demo")
    seed_demo_history(cases=120)
    tenant = Tenant.objects.get(slug="storeconnect")
    end = timezone.now().date()
    start = end - timedelta(days=HISTORY_DAYS - 7)
    _, _, weeks = attainment_by_week(tenant=tenant, start=start, end=end)
    assert len(weeks) >= 12 and all(week.overall.met + week.overall.breached for week in weeks)
    assert sum(week.overall.breached for week in weeks) > 0
    assert len([row for row in satisfaction_by_week(tenant=tenant, start=start, end=end) if row.responses]) >= 10
    medians = median_times(tenant=tenant, start=start, end=end)
    targeted = SlaTarget.objects.for_tenant(tenant).values_list("priority__name", flat=True)  # Medium, Low: none
    assert {row.priority for row in medians} == set(targeted)
    assert all(row.median_minutes is not None for row in medians)
    client.force_login(User.objects.get(email="manager@storeconnect.test"))
    for url in ("/dashboard/", f"/reports/sla/?start={start}", f"/reports/satisfaction/?start={start}"):
        assert client.get(url).status_code == 200, url


def test_stores_show_green_and_red():
    call_command("seed_demo")
    tenant = Tenant.objects.get(slug="storeconnect")
    monitored = dict(Store.objects.for_tenant(tenant).exclude(health_url="").values_list("account__slug", "health_url"))
    assert monitored == {"bondi-bakes": HEALTH_URLS["up"], "popup-pals": HEALTH_URLS["down"]}
