"""The customer SLA report read from its daily roll-ups equals the report counted directly from
the cases and clocks, before and after beat recounts the marked days; roll-ups are idempotent,
never read across accounts or tenants, and the bucketed medians keep their stated precision."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from statistics import median
from zoneinfo import ZoneInfo

import pytest

from helpdesk.models import Role
from helpdesk.services import partner_link_accounts, user_create
from helpdesk.tenancy import scope_for_user
from helpdesk.tests.factories import PASSWORD, make_account
from sla.models import Metric, SlaClock
from tickets.account_report import account_sla_report, report_as_json
from tickets.account_rollup import (
    account_rollup_recent,
    bucket_middle,
    histogram_median,
    minutes_bucket,
    rollup_account_days,
    rollup_marked,
)
from tickets.models import Case, DailyAccountSla
from tickets.services import (
    case_change_priority,
    case_propose_resolution,
    case_reopen,
    case_request_information,
    comment_add,
)
from tickets.sla_sweeps import sweep_breaches
from tickets.tests.factories import open_case, syd

pytestmark = pytest.mark.django_db

SINCE = syd(2026, 1, 1)
NOW = syd(2026, 11, 27, 15, 0)  # a Friday: "today" for the report


def _counted_directly(account, *, since=SINCE):
    """The report as it was counted before the roll-ups: every case and clock, exact times; the
    median of the met times taken in the roll-ups' buckets."""
    zone = ZoneInfo(account.time_zone)
    groups: dict = {}
    for case in Case.objects.filter(account=account, opened_at__gte=since).select_related("priority"):
        local = case.opened_at.astimezone(zone)
        key = (local.strftime("%Y-%m"), case.priority.rank, case.priority.name)
        group = groups.setdefault(
            key, {"opened": 0, **{m: {"met": 0, "missed": 0, "running": 0, "t": []} for m in Metric}}
        )
        group["opened"] += 1
        for clock in SlaClock.objects.filter(case=case):
            figures = group[clock.metric]
            state = "missed" if clock.breached_at else "met" if clock.met_at else "running"
            figures[state] += 1
            if clock.met_at:
                figures["t"].append(clock.met_at - clock.started_at)
    rows = []
    for (month, _, priority), group in sorted(groups.items(), key=lambda item: (item[0][0], -item[0][1]), reverse=True):
        row = {"month": month, "priority": priority, "opened": group["opened"]}
        for metric in Metric:
            figures = group[metric]
            buckets = Counter(minutes_bucket(int(t.total_seconds() // 60)) for t in figures.pop("t"))
            middle = histogram_median(buckets)
            row[metric.value] = {**figures, "median_seconds": None if middle is None else middle * 60}
        rows.append(row)
    return rows


def _report(user, account):
    return report_as_json(account_sla_report(scope=scope_for_user(user), account=account, since=SINCE, now=NOW))


@pytest.fixture
def history(world, setup_a, setup_b):
    """Three months of Alpha One's cases (in Los Angeles time, not the tenant's Sydney), each
    priority, met on time and late, breached, running, paused, reprioritised; one opened today;
    and cases of another account and another tenant that must not count."""
    a1 = world.account_a1
    a1.time_zone = "America/Los_Angeles"
    a1.save(update_fields=["time_zone"])
    analyst = world.analyst_a
    for month, day in ((9, 14), (10, 12), (11, 23)):
        opened = syd(2026, month, day, 9, 0)
        quick = open_case(a1, setup_a.normal, at=opened, subject="Answered in 45 minutes")
        comment_add(case=quick, actor=analyst, body="On it.", at=opened + timedelta(minutes=45))
        slow = open_case(a1, setup_a.normal, at=opened + timedelta(hours=1), subject="Answered after 3 hours")
        comment_add(case=slow, actor=analyst, body="Sorry.", at=opened + timedelta(hours=4, minutes=7))
        paused = open_case(a1, setup_a.urgent, at=opened + timedelta(hours=2), subject="Waiting on the merchant")
        case_request_information(
            case=paused, actor=analyst, message="Which store?", at=opened + timedelta(hours=2, minutes=20)
        )
        open_case(a1, setup_a.low, at=opened + timedelta(hours=3), subject="Low, no targets")
        open_case(a1, setup_a.urgent, at=opened + timedelta(hours=4), subject="Nobody answered")
        resolved = open_case(a1, setup_a.urgent, at=opened + timedelta(hours=5), subject="Resolved the next day")
        case_propose_resolution(case=resolved, actor=analyst, summary="Fixed.", at=opened + timedelta(days=1, hours=1))
    open_case(a1, setup_a.normal, at=NOW - timedelta(hours=2), subject="Opened today")
    open_case(world.account_a2, setup_a.normal, at=syd(2026, 11, 23, 10, 0), subject="Another account's case")
    open_case(world.account_b1, setup_b.normal, at=syd(2026, 11, 23, 10, 0), subject="Another tenant's case")
    sweep_breaches(now=syd(2026, 11, 26, 9, 0))
    return setup_a


def test_the_report_from_rollups_equals_the_report_counted_directly(world, history):
    merchant, a1 = world.merchant_a1, world.account_a1
    expected = _counted_directly(a1)
    assert [row["month"] for row in expected] == [
        "2026-11",
        "2026-11",
        "2026-11",
        "2026-10",
        "2026-10",
        "2026-10",
        "2026-09",
        "2026-09",
        "2026-09",
    ]
    figures = [row[metric] for row in expected for metric in ("first_response", "resolution")]
    assert all(any(f[state] for f in figures) for state in ("met", "missed", "running"))
    assert len({f["median_seconds"] for f in figures}) > 3
    assert _report(merchant, a1) == expected  # every day still marked: all counted live
    assert rollup_marked(tenant=world.tenant_a) > 0
    assert not Case.objects.filter(account=a1, rollup_stale=True).exists()
    assert (
        DailyAccountSla.objects.filter(account=a1).count() == 3 * 3 * 2 + 2
    )  # 3 days × 3 priorities × 2 metrics, today
    assert _report(merchant, a1) == expected
    # The rows are what is read: a row changed behind the report's back shows (today excepted).
    DailyAccountSla.objects.filter(account=a1, day__month=9, metric=Metric.FIRST_RESPONSE).update(met=0, opened=0)
    september = [row for row in _report(merchant, a1) if row["month"] == "2026-09"]
    assert {row["opened"] for row in september} == {0}
    rollup_account_days(
        tenant=world.tenant_a, accounts=[a1], days={syd(2026, 9, 14, 12).astimezone(ZoneInfo(a1.time_zone)).date()}
    )
    assert _report(merchant, a1) == expected


def test_a_change_to_an_old_case_shows_at_once_and_after_beat(world, history):
    merchant, a1, analyst = world.merchant_a1, world.account_a1, world.analyst_a
    rollup_marked(tenant=world.tenant_a)
    before = _report(merchant, a1)
    october = Case.objects.filter(account=a1, subject="Nobody answered", opened_at__month=10).get()
    comment_add(case=october, actor=analyst, body="Late, sorry.", at=NOW - timedelta(hours=1))
    september = Case.objects.filter(account=a1, subject="Resolved the next day", opened_at__month=9).get()
    case_reopen(case=september, actor=merchant, reason="It broke again.", at=NOW - timedelta(minutes=50))
    waiting = Case.objects.filter(account=a1, subject="Waiting on the merchant", opened_at__month=11).get()
    case_change_priority(
        case=waiting, actor=analyst, priority=history.normal, reason="Not urgent.", at=NOW - timedelta(minutes=40)
    )
    expected = _counted_directly(a1)
    assert expected != before
    assert Case.objects.filter(account=a1, rollup_stale=True).count() == 3
    assert _report(merchant, a1) == expected  # the marked days are counted live
    rollup_marked(tenant=world.tenant_a)
    assert not Case.objects.filter(tenant=world.tenant_a, rollup_stale=True).exists()
    assert _report(merchant, a1) == expected


def _rows():
    return sorted(
        DailyAccountSla.objects.values_list(
            "account_id", "day", "priority_id", "metric", "opened", "met", "missed", "running", "minutes"
        ),
        key=repr,
    )


def test_recounting_replaces_a_day_and_changes_nothing(world, history):
    rollup_marked(tenant=world.tenant_a)
    rollup_marked(tenant=world.tenant_b)
    first = _rows()
    assert first
    account_rollup_recent(tenant=world.tenant_a, now=NOW, days=90)
    account_rollup_recent(tenant=world.tenant_a, now=NOW, days=90)
    account_rollup_recent(tenant=world.tenant_b, now=NOW, days=90)
    assert _rows() == first
    assert DailyAccountSla.objects.filter(tenant=world.tenant_b).count() == 2  # one day's Normal, two metrics


def test_partners_and_merchants_read_only_their_accounts_rollups(client, world, history):
    rollup_marked(tenant=world.tenant_a)
    rollup_marked(tenant=world.tenant_b)
    third = make_account(world.tenant_a, "alpha-three")
    open_case(third, history.normal, subject="Unlinked third")
    partner = user_create(
        tenant=world.tenant_a, email="partner@agency.test", role=Role.PARTNER, full_name="Pia", password=PASSWORD
    )
    partner_link_accounts(user=partner, accounts=[world.account_a1, world.account_a2])
    assert _report(partner, world.account_a1) == _report(world.merchant_a1, world.account_a1)
    partner_rows = DailyAccountSla.objects.for_scope(scope_for_user(partner))
    assert set(partner_rows.values_list("account_id", flat=True)) == {world.account_a1.pk, world.account_a2.pk}
    merchant_rows = DailyAccountSla.objects.for_scope(scope_for_user(world.merchant_a2))
    assert set(merchant_rows.values_list("account_id", flat=True)) == {world.account_a2.pk}
    client.force_login(partner)
    assert client.get("/reports/account-sla/?account=alpha-three").status_code == 404
    page = client.get("/reports/account-sla/?account=alpha-two&months=36").content.decode()
    assert "Another account" not in page and "Answered in 45 minutes" not in page
    assert "<td>November 2026</td><td>Normal</td><td>1</td>" in page
    client.force_login(world.merchant_b1)
    assert client.get("/reports/account-sla/?account=alpha-one").status_code == 404


@pytest.mark.parametrize("minutes", [0, 1, 59, 127, 128, 129, 255, 256, 1000, 1439, 10_000, 100_000, 500_000])
def test_a_bucket_holds_its_minutes_within_the_stated_precision(minutes):
    bucket = minutes_bucket(minutes)
    assert bucket <= minutes
    assert minutes_bucket(bucket) == bucket
    if minutes < 128:
        assert bucket_middle(bucket) == minutes
    else:
        assert abs(bucket_middle(bucket) - minutes) <= minutes / 128


def test_the_bucketed_median_is_near_the_exact_one():
    spread = [7, 45, 45, 130, 131, 600, 601, 602, 2_000, 9_999, 50_000]
    for values in (spread, spread[:-1], [90, 5_000]):
        exact = median(values)
        bucketed = histogram_median(Counter(minutes_bucket(v) for v in values))
        assert bucketed is not None
        assert abs(bucketed - exact) <= exact / 128
    assert histogram_median(Counter()) is None
    by_value: defaultdict[int, int] = defaultdict(int)
    assert histogram_median(Counter(by_value)) is None
