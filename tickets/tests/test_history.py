"""The history reads like a story: every event code in words, old → new, hostile values escaped."""

from __future__ import annotations

from datetime import timedelta
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


NAMES = {"ana@x.test": "Ana", "sam@x.test": "Sam"}

# One story per event code, as the case page tells it to a reader in Sydney who knows Ana and Sam.
EVERY_CODE = {
    "case.opened": ({}, {"priority": "Critical", "channel": "phone"}, "Opened at Critical priority by phone"),
    "case.imported": (
        {},
        {"number": "SC-9", "status": "open", "from": "Zendesk"},
        "Imported from Zendesk as SC-9 (open)",
    ),
    "case.assigned": ({"status": "new"}, {"assignee": "ana@x.test"}, "Assigned to Ana"),
    "case.reassigned": (
        {"assignee": "ana@x.test"},
        {"assignee": "sam@x.test", "reason": "time_zone"},
        "Reassigned from Ana to Sam (time-zone hand-off)",
    ),
    "case.commented": ({"status": "new"}, {"status": "open"}, "Replied to the merchant (new → open)"),
    "case.customer_replied": ({}, {"comment": 3}, "The merchant replied"),
    "case.information_requested": (
        {"status": "open"},
        {"status": "waiting_on_customer"},
        "Asked the merchant for information (open → waiting on customer)",
    ),
    "case.priority_changed": ({"priority": "Critical"}, {"priority": "High"}, "Priority changed from Critical to High"),
    "case.workaround_recorded": ({"workaround": ""}, {"workaround": "Restart"}, "Workaround recorded"),
    "case.engineering_linked": (
        {},
        {"reference": "ENG-4521", "state": "open"},
        "Engineering issue ENG-4521 linked (Open)",
    ),
    "case.engineering_changed": (
        {"reference": "ENG-4521", "state": "open"},
        {"reference": "ENG-4521", "state": "fixed"},
        "Engineering issue ENG-4521 Open → Fixed, awaiting release",
    ),
    "case.resolution_proposed": ({"status": "open"}, {"status": "resolved"}, "Resolution proposed (open → resolved)"),
    "case.closure_requested": ({}, {}, "The merchant asked to close the case"),
    "case.closed": ({"status": "resolved"}, {"status": "closed"}, "Closed (resolved → closed)"),
    "case.reopened": ({"status": "resolved"}, {"status": "reopened"}, "Reopened (resolved → reopened)"),
    "case.updated": ({"subject": "a"}, {"subject": "b"}, "Details changed: subject"),
    "case.status_changed": (
        {"status": "open"},
        {"status": "waiting_on_customer"},
        "Status changed from open to waiting on customer",
    ),
    "case.noted": ({}, {"comment": 4}, "Internal note"),
    "case.call_logged": (
        {},
        {"direction": "inbound", "contact": "Hannah", "called_at": "2026-11-23T03:32:00+00:00", "duration_minutes": 12},
        "Phone call from Hannah at Mon 23 Nov, 14:32 AEDT (12 min)",
    ),
    "attachment.added": ({}, {"filename": "log.txt", "public": False}, "File log.txt attached (staff only)"),
    "escalation.raised": (
        {},
        {"reason": "responsiveness", "level": "support_manager", "raised_by": "analyst"},
        "Escalated to support manager by staff (dissatisfied with responsiveness)",
    ),
    "escalation.acknowledged": ({"state": "open"}, {"state": "acknowledged"}, "Escalation open → acknowledged"),
    "escalation.resolved": ({"state": "acknowledged"}, {"state": "resolved"}, "Escalation acknowledged → resolved"),
    "escalation.noted": ({}, {"escalation": 1}, "Note added to the escalation"),
    "sla.met": (
        {},
        {
            "metric": "first_response",
            "late": False,
            "met_at": "2026-11-23T03:32:00+00:00",
            "due_at": "2026-11-23T04:42:00+00:00",
        },
        "First response met at 14:32 AEDT, 1 h 10 m before its deadline (Mon 23 Nov, 15:42 AEDT)",
    ),
    "sla.at_risk": (
        {},
        {"metric": "first_response", "due_at": "2026-11-23T02:00:00+00:00"},
        "First response at risk: due Mon 23 Nov, 13:00 AEDT",
    ),
    "sla.breached": (
        {},
        {"metric": "resolution", "due_at": "2026-11-23T06:00:00+00:00"},
        "Resolution breached: it was due Mon 23 Nov, 17:00 AEDT",
    ),
}


def test_every_event_code_has_a_story_of_its_own():
    assert set(EVENT_LABELS) == set(STORIES) == set(EVERY_CODE)  # a new code needs a story and a line here


@pytest.mark.parametrize("code", sorted(EVENT_LABELS))
def test_each_event_code_reads_as_a_sentence(code):
    old, new, story = EVERY_CODE[code]
    assert describe(code=code, old=old, new=new, zone=SYD, names=NAMES) == story


def test_staff_are_named_by_display_name_else_the_name_stored_else_their_address():
    new = {"assignee": "kim@x.test", "assignee_name": "Kim"}
    assert describe(code="case.assigned", old={}, new=new, zone=SYD, names=NAMES) == "Assigned to Kim"
    assert describe(code="case.assigned", old={}, new={"assignee": "lee@x.test"}, zone=SYD) == "Assigned to lee@x.test"
    auto = {"assignee": "ana@x.test", "automatic": True}
    assert describe(code="case.assigned", old={}, new=auto, zone=SYD, names=NAMES) == (
        "Assigned to Ana automatically (on shift, fewest open cases)"
    )


def test_a_late_response_says_how_long_after_its_deadline_in_the_readers_zone():
    new = {
        "metric": "resolution",
        "late": True,
        "met_at": "2026-11-25T09:05:00+00:00",
        "due_at": "2026-11-23T06:00:00+00:00",
    }
    assert describe(code="sla.met", old={}, new=new, zone=ZoneInfo("Europe/London")) == (
        "Resolution met at 09:05 GMT, 2 d 3 h after its deadline (Mon 23 Nov, 06:00 GMT)"
    )


def test_an_unknown_code_shows_itself():
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
    assert "Reassigned from Analyst tenant-a to Manager tenant-a (workload)" in page  # display names
    assert world.analyst_a.email not in page


@pytest.mark.django_db
def test_a_met_response_tells_when_and_how_far_from_its_deadline_on_the_case_page(client, world, setup_a):
    case = open_case(world.account_a1, setup_a.normal, at=MONDAY_9)  # Gold/Normal: 4 business hours
    case_assign(case=case, actor=world.analyst_a, assignee=world.analyst_a, at=MONDAY_9)
    comment_add(case=case, actor=world.analyst_a, body="Looking now.", at=MONDAY_9 + timedelta(hours=2, minutes=50))
    client.force_login(world.merchant_a1)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "First response met at 11:50 AEDT, 1 h 10 m before its deadline (Mon 23 Nov, 13:00 AEDT)" in page
