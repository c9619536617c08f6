"""The actions each role takes from the case page: conversation, staff changes, escalations, files, details."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils.html import escape

from surveys.models import SurveyInvitation
from tickets.history import describe
from tickets.models import Attachment, CaseEvent, Escalation, Status
from tickets.tests.factories import open_case
from tickets.tests.page_helpers import PNG, act

SYDNEY = ZoneInfo("Australia/Sydney")

pytestmark = pytest.mark.django_db


def test_the_whole_conversation_from_the_case_page(client, world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    client.force_login(world.analyst_a)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert 'data-testid="action-take"' in page and 'data-testid="action-reassign"' not in page
    assert act(client, case, "take").status_code == 302
    assert act(client, case, "comment", body="Looking at the logs.", internal="on").status_code == 302
    assert act(client, case, "request-info", message="Which plug-in version?").status_code == 302
    case.refresh_from_db()
    assert (case.assignee, case.status) == (world.analyst_a, Status.WAITING)

    client.force_login(world.merchant_a1)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "Which plug-in version?" in page and "Looking at the logs." not in page
    assert 'data-testid="action-take"' not in page and 'data-testid="action-resolve"' not in page
    assert act(client, case, "comment", body="Version 4.2.").status_code == 302
    case.refresh_from_db()
    assert case.status == Status.OPEN

    client.force_login(world.analyst_a)
    assert act(client, case, "resolve", message="Rolled back to 4.1.").status_code == 302
    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    codes = list(CaseEvent.objects.filter(case=case).values_list("code", flat=True))
    for code in ("case.assigned", "case.information_requested", "case.resolution_proposed"):
        assert code in codes
    history = client.get(f"/cases/{case.number}/").content.decode()
    names = {user.email: user.get_full_name() for user in (world.analyst_a, world.manager_a, world.admin_a)}
    for event in CaseEvent.objects.filter(case=case):
        assert event.label != event.code, f"{event.code} has no label on the case page"
        story = describe(code=event.code, old=event.old, new=event.new, zone=SYDNEY, names=names)
        assert escape(story) in history  # the history tells each event (tickets.history)


def test_a_stale_or_repeated_form_is_refused_and_changes_nothing(client, world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    client.force_login(world.analyst_a)
    version = case.version
    first = client.post(f"/cases/{case.number}/do/comment/", {"version": version, "body": "On it."})
    again = client.post(f"/cases/{case.number}/do/comment/", {"version": version, "body": "On it."})
    assert first.status_code == 302 and again.status_code == 409
    assert "changed by someone else" in again.content.decode()
    assert case.comments.count() == 1
    missing = client.post(f"/cases/{case.number}/do/comment/", {"body": "No version."})
    assert missing.status_code == 400 and case.comments.count() == 1


def test_a_merchant_cannot_use_staff_actions_or_write_internal_notes(client, world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    client.force_login(world.merchant_a1)
    refused = act(client, case, "take")
    assert refused.status_code == 403 and "Only support staff" in refused.content.decode()
    assert 'name="internal"' not in client.get(f"/cases/{case.number}/").content.decode()
    assert act(client, case, "comment", body="Hello", internal="on").status_code == 302
    case.refresh_from_db()
    assert case.assignee is None and case.comments.get().is_public


@pytest.mark.parametrize("who", ["merchant_a2", "analyst_b", "merchant_b1"])
def test_actions_on_another_accounts_or_tenants_case_answer_404(client, world, setup_a, who):
    case = open_case(world.account_a1, setup_a.normal)
    client.force_login(getattr(world, who))
    assert act(client, case, "comment", body="hello").status_code == 404
    assert not case.comments.exists()


def test_unknown_actions_are_refused_and_a_get_does_nothing(client, world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    client.force_login(world.analyst_a)
    assert act(client, case, "delete").status_code == 404
    assert client.get(f"/cases/{case.number}/do/take/")["Location"] == f"/cases/{case.number}/"
    case.refresh_from_db()
    assert case.assignee is None


def test_staff_reassign_reprioritise_record_a_workaround_and_link_engineering(client, world, setup_a):
    from helpdesk.tests.factories import make_staff

    other = make_staff(world.tenant_a)
    case = open_case(world.account_a1, setup_a.normal)
    client.force_login(world.analyst_a)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert world.analyst_b.get_full_name() not in page  # another tenant's staff is never offered
    act(client, case, "take")
    assert act(client, case, "reassign", assignee=world.analyst_b.pk, reason="expertise").status_code == 400
    response = act(client, case, "reassign", assignee=other.pk, reason="time_zone", note="Sydney evening")
    assert response.status_code == 302
    assert act(client, case, "priority", priority=setup_a.urgent.pk, reason="Store down").status_code == 302
    assert act(client, case, "workaround", workaround="Take orders by phone.").status_code == 302
    response = act(client, case, "link-engineering", reference="ENG-1", url="https://bugs.example/ENG-1")
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.assignee, case.priority, case.workaround) == (other, setup_a.urgent, "Take orders by phone.")
    assert case.engineering_issues.get().reference == "ENG-1"
    again = act(client, case, "link-engineering", reference="ENG-1")
    assert again.status_code == 400 and "linked to ENG-1 already" in again.content.decode()


def test_the_merchant_escalates_and_asks_to_close_and_the_analyst_confirms(client, world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    client.force_login(world.merchant_a1)
    invalid = act(client, case, "escalate", reason="top_priority", notes="")
    assert invalid.status_code == 400 and not Escalation.objects.exists()
    assert act(client, case, "escalate", reason="responsiveness", notes="No answer yet.").status_code == 302
    assert Escalation.objects.get(case=case).raised_by_user == world.merchant_a1
    assert act(client, case, "request-closure", reason="It works again.").status_code == 302

    client.force_login(world.analyst_a)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "asked to close this case" in page and 'data-testid="action-confirm-closure"' in page
    assert act(client, case, "confirm-closure").status_code == 302
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert SurveyInvitation.objects.filter(case=case).count() == 1


def test_managers_acknowledge_and_resolve_escalations_from_their_page(client, world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    client.force_login(world.merchant_a1)
    act(client, case, "escalate", reason="critical_impact", notes="We lose sales.")
    escalation = Escalation.objects.get()

    client.force_login(world.manager_b)
    assert client.post(f"/escalations/{escalation.pk}/acknowledge/").status_code == 404
    client.force_login(world.analyst_a)
    assert client.post(f"/escalations/{escalation.pk}/acknowledge/").status_code == 403

    case_two = open_case(world.account_a1, setup_a.normal)
    client.force_login(world.merchant_a1)
    act(client, case_two, "escalate", reason="responsiveness", notes="Still waiting.")
    client.force_login(world.manager_a)
    assert "Handle it" in client.get(f"/cases/{case.number}/").content.decode()
    page = client.get("/escalations/").content.decode()
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "every element id on the page is unique"
    assert "We lose sales." in page and f"/escalations/{escalation.pk}/acknowledge/" in page
    assert client.post(f"/escalations/{escalation.pk}/acknowledge/").status_code == 302
    twice = client.post(f"/escalations/{escalation.pk}/acknowledge/")
    assert twice.status_code == 409 and "only open escalations are acknowledged" in twice.content.decode()
    empty = client.post(f"/escalations/{escalation.pk}/resolve/", {"note": " "})
    assert empty.status_code == 400
    assert client.post(f"/escalations/{escalation.pk}/resolve/", {"note": "Called the merchant."}).status_code == 302
    escalation.refresh_from_db()
    assert (escalation.state, escalation.owner, escalation.resolution_note) == (
        "resolved",
        world.manager_a,
        "Called the merchant.",
    )
    assert "We lose sales." not in client.get("/escalations/").content.decode()
    client.force_login(world.merchant_a1)
    shown = client.get(f"/cases/{case.number}/").content.decode()
    assert "(critical business impact, support manager): resolved" in shown
    assert "Called the merchant." not in shown  # a manager's note is for staff (PRODUCT.md, visibility)


def test_files_are_attached_from_the_case_page_and_staff_only_files_stay_hidden(client, world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    client.force_login(world.merchant_a1)
    upload = SimpleUploadedFile("receipt.png", PNG)
    assert act(client, case, "attach", file=upload).status_code == 302
    wrong = act(client, case, "attach", file=SimpleUploadedFile("run.exe", b"MZ\x90\x00" + b"\x00" * 64))
    assert wrong.status_code == 400
    assert "Only images (PNG, JPEG, GIF), PDF and plain-text" in wrong.content.decode()

    client.force_login(world.analyst_a)
    internal = SimpleUploadedFile("vendor-contract.png", PNG)
    assert act(client, case, "attach", file=internal, internal="on").status_code == 302
    assert sorted(Attachment.objects.filter(case=case).values_list("filename", "is_public")) == [
        ("receipt.png", True),
        ("vendor-contract.png", False),
    ]
    assert "vendor-contract.png" in client.get(f"/cases/{case.number}/").content.decode()

    client.force_login(world.merchant_a1)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert "receipt.png" in page and "vendor-contract.png" not in page
    assert page.count("File receipt.png attached") == 1  # the staff-only file leaves no trace in the history


@override_settings(ATTACHMENT_MAX_BYTES=32)
def test_a_file_over_the_limit_is_refused_on_the_case_page(client, world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    client.force_login(world.merchant_a1)
    response = act(client, case, "attach", file=SimpleUploadedFile("big.png", PNG))
    assert response.status_code == 400 and "attachments may be up to 32" in response.content.decode()
    assert not Attachment.objects.exists()


def test_staff_move_a_linked_engineering_issue_and_every_linked_case_hears(client, world, setup_a):
    first = open_case(world.account_a1, setup_a.normal)
    second = open_case(world.account_a2, setup_a.normal)
    client.force_login(world.analyst_a)
    act(client, first, "link-engineering", reference="ENG-7")
    act(client, second, "link-engineering", reference="ENG-7")
    response = client.post("/engineering/ENG-7/state/", {"state": "fixed", "case": first.number}, follow=True)
    assert response.redirect_chain == [(f"/cases/{first.number}/", 302)]
    assert "ENG-7 is now “Fixed, awaiting release”." in response.content.decode()
    for case in (first, second):
        assert CaseEvent.objects.filter(case=case, code="case.engineering_changed").count() == 1
    assert client.post("/engineering/ENG-7/state/", {"state": "melted"}).status_code == 302
    assert client.post("/engineering/ENG-404/state/", {"state": "fixed"}).status_code == 404

    client.force_login(world.merchant_a1)
    page = client.get(f"/cases/{first.number}/").content.decode()
    assert "Fixed, awaiting release" in page and "/engineering/ENG-7/state/" not in page
    assert client.post("/engineering/ENG-7/state/", {"state": "released"}).status_code == 403
    client.force_login(world.analyst_b)
    assert client.post("/engineering/ENG-7/state/", {"state": "released"}).status_code == 404
    assert CaseEvent.objects.filter(code="case.engineering_changed").count() == 2


@pytest.mark.parametrize("path", ["/cases/{number}/do/comment/", "/cases/{number}/do/no-such-action/"])
def test_a_get_of_an_action_goes_to_its_case(client, world, setup_a, path):
    case = open_case(world.account_a1, setup_a.normal)
    client.force_login(world.merchant_a1)
    answer = client.get(path.format(number=case.number))
    assert (answer.status_code, answer["Location"]) == (302, f"/cases/{case.number}/")


def test_details_are_edited_from_the_case_page_each_role_its_own(client, world, setup_a):
    case = open_case(world.account_a1, setup_a.normal, recent_changes="New theme", cc_emails=["ops@alpha.test"])
    client.force_login(world.merchant_a1)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert 'value="ops@alpha.test"' in page and "New theme</textarea>" in page  # shown filled in
    assert 'data-testid="action-details"' in page and 'name="category"' not in page
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "every element id on the page is unique"
    bad = act(client, case, "details", recent_changes="New theme", cc_emails="nope")
    assert bad.status_code == 400 and "nope" in bad.content.decode()
    response = act(client, case, "details", recent_changes="New theme and a new app", cc_emails="a@x.test, b@x.test")
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.recent_changes, case.cc_emails) == ("New theme and a new app", ["a@x.test", "b@x.test"])

    client.force_login(world.analyst_a)
    assert act(client, case, "details", category="question", cc_emails="a@x.test, b@x.test").status_code == 302
    case.refresh_from_db()
    assert case.category == "question" and case.recent_changes == ""
    assert CaseEvent.objects.filter(case=case, code="case.updated").count() == 2


def test_an_engineering_reference_with_a_slash_or_hash_works_on_the_page(client, world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    client.force_login(world.analyst_a)
    assert act(client, case, "link-engineering", reference="shop/api#42").status_code == 302
    page = client.get(f"/cases/{case.number}/")
    assert page.status_code == 200
    action = re.search(r'action="(/engineering/[^"]+/state/)"', page.content.decode()).group(1)
    assert client.post(action, {"state": "released", "case": case.number}).status_code == 302
    assert case.engineering_issues.get().state == "released"
