"""The SLA targets settings: a draft edited in the grid, the preview's worked "why", the review
step with the diff against the published version, publishing (a version and a SettingChange),
and the published versions, each tenant seeing only its own."""

from __future__ import annotations

import re

import pytest

from helpdesk.models import SettingChange
from sla.models import Calendar, SlaDraft, SlaPolicy, SlaTarget
from sla.selectors import policy_current
from sla.tests.test_pages import cell, grid_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate(tenant_a_with_preset):
    return tenant_a_with_preset


def _change_critical_flagship(client, world, action: str = "save"):
    prefix = cell(world, "first_response", "Critical", "Flagship")
    return grid_post(client, **{action: "1", f"{prefix}-amount": "4", f"{prefix}-unit": "business_hours"})


def test_a_saved_draft_is_shown_back_and_changes_nothing_for_cases(admin_client, estate):
    response = _change_critical_flagship(admin_client, estate)
    assert response.status_code == 302
    body = admin_client.get("/settings/sla/").content.decode()
    prefix = cell(estate, "first_response", "Critical", "Flagship")
    assert 'data-testid="draft-status"' in body and "Draft saved." in body
    assert re.search(rf'name="{prefix}-amount" value="4"', body)
    assert policy_current(tenant=estate.tenant_a).version == 1
    assert not SettingChange.objects.filter(area="sla-targets", actor=estate.admin_a).exists()


def test_cells_are_labelled_by_metric_plan_and_priority(admin_client, estate):
    body = admin_client.get("/settings/sla/").content.decode()
    prefix = cell(estate, "first_response", "Critical", "Flagship")
    assert (
        f'<label class="visually-hidden" for="id_{prefix}-amount">First response, Flagship, Critical: amount</label>'
        in body
    )
    assert f'for="id_{prefix}-calendar">First response, Flagship, Critical: calendar</label>' in body


def test_the_preview_shows_the_worked_why(admin_client, estate):
    response = grid_post(admin_client, preview="1", preview_at="2026-11-28T11:00")  # a Saturday in Sydney
    body = response.content.decode()
    assert "Opened Sat 28 Nov 2026 11:00 AEDT." in body
    assert "The “business” calendar is closed then: the clock starts at Mon 30 Nov 2026 09:00 AEDT." in body
    assert "1 business day on the “business” calendar (Australia/Sydney)." in body
    assert not SlaDraft.objects.exists()


def test_review_shows_the_diff_and_publishing_makes_a_version_and_a_history_entry(admin_client, estate):
    _change_critical_flagship(admin_client, estate, action="review")
    review = admin_client.get("/settings/sla/review/").content.decode()
    rows = re.findall(r'data-testid="diff-row">(.*?)</tr>', review, re.S)
    assert len(rows) == 1
    assert "First response, Flagship, Critical" in rows[0]
    assert "<del>1 business day on business</del>" in rows[0] and "<ins>4 business hours on business</ins>" in rows[0]
    assert "Publish SLA policy v2?" in review
    published = admin_client.post("/settings/sla/review/", {"publish": "1", "note": "Faster Flagship replies"})
    assert published.status_code == 302
    v1, v2 = SlaPolicy.objects.for_tenant(estate.tenant_a).order_by("version")
    assert v2.version == 2 and v2.note == "Faster Flagship replies" and v2.created_by == estate.admin_a
    assert SlaTarget.objects.filter(policy=v1).count() == 8  # cases opened under v1 keep all of its targets
    assert SlaTarget.objects.get(policy=v1, plan__name="Flagship", priority__name="Critical").unit == "business_days"
    assert not SlaDraft.objects.filter(tenant=estate.tenant_a).exists()
    change = SettingChange.objects.get(area="sla-targets", actor=estate.admin_a)
    assert change.action == "published" and change.label == "SLA policy v2"
    assert {
        "field": "First response, Flagship, Critical",
        "before": "1 business day on business",
        "after": "4 business hours on business",
    } in change.changes
    page = admin_client.get("/settings/sla/").content.decode()
    assert "Published SLA policy v2" in page and f'href="/settings/sla/versions/{v1.pk}/"' in page


def test_review_without_a_draft_goes_back_to_the_grid(admin_client, estate):
    response = admin_client.get("/settings/sla/review/")
    assert response.status_code == 302 and response["Location"] == "/settings/sla/"


def test_a_draft_whose_calendar_is_invalid_is_not_published(admin_client, estate):
    _change_critical_flagship(admin_client, estate)
    draft = SlaDraft.objects.get(tenant=estate.tenant_a)
    prefix = cell(estate, "first_response", "Critical", "Flagship")
    foreign = Calendar.objects.for_tenant(estate.tenant_b).get(name="business")
    draft.values[f"{prefix}-calendar"] = str(foreign.pk)
    draft.save()
    response = admin_client.post("/settings/sla/review/", {"publish": "1"})
    assert response.status_code == 302 and response["Location"] == "/settings/sla/"
    assert policy_current(tenant=estate.tenant_a).version == 1


def test_a_version_page_shows_its_changes_and_other_tenants_versions_are_missing(admin_client, estate):
    _change_critical_flagship(admin_client, estate, action="review")
    admin_client.post("/settings/sla/review/", {"publish": "1"})
    v2 = policy_current(tenant=estate.tenant_a)
    body = admin_client.get(f"/settings/sla/versions/{v2.pk}/").content.decode()
    assert "Changed from v1" in body and "<ins>4 business hours on business</ins>" in body
    foreign = policy_current(tenant=estate.tenant_b)
    assert admin_client.get(f"/settings/sla/versions/{foreign.pk}/").status_code == 404
    assert admin_client.get("/settings/sla/versions/987654/").status_code == 404


def test_discarding_the_draft_shows_the_published_targets_again(admin_client, estate):
    _change_critical_flagship(admin_client, estate)
    admin_client.post("/settings/sla/", {"discard": "1"})
    assert not SlaDraft.objects.exists()
    prefix = cell(estate, "first_response", "Critical", "Flagship")
    assert re.search(rf'name="{prefix}-amount" value="1"', admin_client.get("/settings/sla/").content.decode())


@pytest.mark.parametrize("actor", ["analyst_a", "manager_a", "merchant_a1"])
def test_only_tenant_admins_review_and_read_versions(client, estate, actor):
    client.force_login(getattr(estate, actor))
    v1 = policy_current(tenant=estate.tenant_a)
    assert client.get("/settings/sla/review/").status_code == 403
    assert client.get(f"/settings/sla/versions/{v1.pk}/").status_code == 403
