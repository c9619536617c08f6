"""The demo's history: past cases over every account and priority, played through the services,
with breaches, answered surveys and the dashboard's roll-ups; added once."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from demo.seed import HEALTH_URLS, seed_demo_history
from helpdesk.models import Account, Store, Tenant
from reports.models import DailySatisfaction, DailySlaTally
from sla.models import SlaClock
from surveys.models import SurveyResponse
from tickets.models import Case, Status

pytestmark = [pytest.mark.django_db, pytest.mark.no_tenant_guard]


def test_history_spreads_over_accounts_priorities_and_states_and_is_added_once():
    call_command("seed_demo")
    now = timezone.now()
    seed_demo_history(now=now, cases=24)
    tenant = Tenant.objects.get(slug="storeconnect")
    old_before = now - timezone.timedelta(days=14)
    old = Case.objects.for_tenant(tenant).filter(opened_at__lt=old_before)
    assert old.count() >= 20
    assert set(old.values_list("account", flat=True)) == set(
        Account.objects.for_tenant(tenant).values_list("pk", flat=True)
    )
    assert old.values("priority").distinct().count() >= 3
    assert old.filter(status=Status.CLOSED).exists()
    oms = Tenant.objects.get(slug="magento-oms")  # 15 minutes to assign its urgent cases: some miss it
    assert SlaClock.objects.for_tenant(oms).filter(case__opened_at__lt=old_before, breached_at__isnull=False).exists()
    assert SurveyResponse.objects.for_tenant(tenant).filter(invitation__case__in=old).exists()
    assert DailySlaTally.objects.for_tenant(tenant).exists() and DailySatisfaction.objects.for_tenant(tenant).exists()
    before = Case.objects.count()
    seed_demo_history(now=now, cases=24)
    assert Case.objects.count() == before


def test_history_answers_say_whether_expectations_were_met_and_stores_show_green_and_red():
    call_command("seed_demo")
    seed_demo_history(now=timezone.now(), cases=30)
    tenant = Tenant.objects.get(slug="storeconnect")
    answers = set(SurveyResponse.objects.for_tenant(tenant).values_list("met_expectations", flat=True))
    assert {"yes", "no"} <= answers
    monitored = dict(Store.objects.for_tenant(tenant).exclude(health_url="").values_list("account__slug", "health_url"))
    assert monitored == {"bondi-bakes": HEALTH_URLS["up"], "popup-pals": HEALTH_URLS["down"]}
