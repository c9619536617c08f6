"""The history reads like a story: every event code in words, old → new, hostile values escaped."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from tickets.history import STORIES, describe
from tickets.models import EVENT_LABELS
from tickets.services import case_assign, case_change_priority, case_reassign, comment_add
from tickets.tests.factories import MONDAY_9, open_case

SYD = ZoneInfo("Australia/Sydney")


@pytest.mark.parametrize(
    ("code", "old", "new", "story"),
    [
        ("case.opened", {}, {"priority": "Critical", "channel": "phone"}, "Opened at Critical priority by phone"),
        ("case.assigned", {"status": "new"}, {"assignee": "ana@x.test"}, "Assigned to ana@x.test"),
        (
            "case.reassigned",
            {"assignee": "ana@x.test"},
            {"assignee": "sam@x.test", "reason": "time_zone"},
            "Reassigned from ana@x.test to sam@x.test (time-zone hand-off)",
        ),
        (
            "case.priority_changed",
            {"priority": "High"},
            {"priority": "Critical"},
            "Priority changed from High to Critical",
        ),
        (
            "case.status_changed",
            {"status": "waiting_on_customer"},
            {"status": "open"},
            "Status changed from waiting on customer to open",
        ),
        ("case.reopened", {"status": "resolved"}, {"status": "reopened"}, "Reopened (resolved → reopened)"),
        ("case.closed", {"status": "resolved"}, {"status": "closed"}, "Closed (resolved → closed)"),
        ("case.updated", {"subject": "a"}, {"subject": "b", "cc_emails": []}, "Details changed: subject, cc emails"),
        (
            "case.engineering_linked",
            {},
            {"reference": "ENG-4521", "state": "open"},
            "Engineering issue ENG-4521 linked (Open)",
        ),
        (
            "case.engineering_changed",
            {"reference": "ENG-4521", "state": "open"},
            {"reference": "ENG-4521", "state": "fixed"},
            "Engineering issue ENG-4521 Open → Fixed, awaiting release",
        ),
        (
            "escalation.raised",
            {},
            {"reason": "critical_impact", "level": "senior_management", "raised_by": "merchant"},
            "Escalated to senior management by the merchant (critical business impact)",
        ),
        ("escalation.acknowledged", {"state": "open"}, {"state": "acknowledged"}, "Escalation open → acknowledged"),
        ("escalation.resolved", {"state": "acknowledged"}, {"state": "resolved"}, "Escalation acknowledged → resolved"),
        ("sla.met", {}, {"metric": "first_response", "late": False}, "First response met in time"),
        ("sla.met", {}, {"metric": "resolution", "late": True}, "Resolution met late, after its deadline"),
        (
            "sla.at_risk",
            {},
            {"metric": "first_response", "due_at": "2026-11-23T02:00:00+00:00"},
            "First response at risk: due Mon 23 Nov, 13:00 AEDT",
        ),
        (
            "sla.breached",
            {},
            {"metric": "resolution", "due_at": "2026-11-23T06:00:00+00:00"},
            "Resolution breached: it was due Mon 23 Nov, 17:00 AEDT",
        ),
    ],
)
def test_each_event_with_a_change_tells_it_old_to_new(code, old, new, story):
    assert describe(code=code, old=old, new=new, zone=SYD) == story


def test_every_other_code_shows_its_label_and_an_unknown_one_itself():
    for code, label in EVENT_LABELS.items():
        if code not in STORIES:
            assert describe(code=code, old={}, new={}, zone=SYD) == label
    assert describe(code="case.future", old={}, new={}, zone=SYD) == "case.future"


@pytest.mark.django_db
def test_the_case_page_tells_the_story_and_escapes_what_people_typed(client, world, setup_a):
    hostile = setup_a.low
    hostile.name = "<script>alert(1)</script>"
    hostile.save(update_fields=["name"])
    case = open_case(world.account_a1, setup_a.normal)
    case_assign(case=case, actor=world.analyst_a, assignee=world.analyst_a, at=MONDAY_9)
    case_change_priority(case=case, actor=world.analyst_a, priority=hostile, reason="Cosmetic", at=MONDAY_9)
    case_reassign(case=case, actor=world.analyst_a, assignee=world.manager_a, reason="workload", at=MONDAY_9)
    comment_add(case=case, actor=world.merchant_a1, body="Thanks", at=MONDAY_9)
    client.force_login(world.merchant_a1)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "Priority changed from Normal to &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in page
    assert f"Reassigned from {world.analyst_a.email} to {world.manager_a.email} (workload)" in page
