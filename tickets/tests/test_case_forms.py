"""The merchant's new-case form and the actions each role takes from the case page."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from django.utils.html import escape

from helpdesk.models import Store
from surveys.models import SurveyInvitation
from tickets.history import describe
from tickets.models import Attachment, Case, CaseEvent, Channel, Comment, Escalation, Status
from tickets.tests.factories import open_case

pytestmark = pytest.mark.django_db

SYDNEY = ZoneInfo("Australia/Sydney")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def form_data(setup, **overrides):
    data = {
        "subject": "Orders stopped syncing",
        "priority": setup.normal.pk,
        "category": "incident",
        "description": "No orders since 10:00.",
        "steps_to_reproduce": "Place an order; look in the back office.",
        "recent_changes": "Upgraded the payment plug-in yesterday.",
        "business_impact": "Orders ship late.",
    }
    return {**data, **overrides}


def test_the_form_shows_each_priority_with_its_criteria(client, world, setup_a):
    setup_a.urgent.criteria = "The store is down."
    setup_a.urgent.save()
    client.force_login(world.merchant_a1)
    body = client.get("/cases/new/").content.decode()
    assert "Urgent: The store is down. (also call us)" in body
    assert body.count('data-must-phone="true"') == 1  # Urgent only
    assert "Recent changes" in body and "Business impact" in body and "Steps to reproduce" in body
    assert "Alpha One store" in body


def test_a_merchant_opens_a_case_with_a_file_from_the_portal(client, world, setup_a):
    client.force_login(world.merchant_a1)
    store = Store.objects.get(account=world.account_a1)
    upload = SimpleUploadedFile("screen.png", PNG, content_type="image/png")
    data = form_data(setup_a, store=store.pk, attachment=upload, cc_emails="ops@alpha.test, cto@alpha.test")
    response = client.post("/cases/new/", data, follow=True)
    case = Case.objects.get()
    assert response.redirect_chain == [(f"/cases/{case.number}/", 302)]
    assert (case.account, case.requester, case.channel, case.store) == (
        world.account_a1,
        world.merchant_a1,
        Channel.PORTAL,
        store,
    )
    assert case.cc_emails == ["ops@alpha.test", "cto@alpha.test"]
    assert case.recent_changes == "Upgraded the payment plug-in yesterday."
    assert case.steps_to_reproduce and case.business_impact == "Orders ship late."
    assert Attachment.objects.get(case=case).filename == "screen.png"
    body = response.content.decode()
    assert f"Case {case.number} is open" in body and "Due <strong>" in body


def test_a_form_sent_twice_opens_one_case(client, world, setup_a):
    client.force_login(world.merchant_a1)
    data = form_data(setup_a)
    first = client.post("/cases/new/", data)
    again = client.post("/cases/new/", data, follow=True)
    case = Case.objects.get()
    assert first["Location"] == f"/cases/{case.number}/"
    assert again.redirect_chain == [(f"/cases/{case.number}/", 302)]
    assert "That form was sent twice; the case was opened once." in again.content.decode()
    another = form_data(setup_a, subject="Refunds fail too")
    assert client.post("/cases/new/", another).status_code == 302  # another problem is another case
    assert Case.objects.count() == 2


def test_a_refused_form_can_be_corrected_and_sent_with_its_token(client, world, setup_a):
    client.force_login(world.merchant_a1)
    data = form_data(setup_a, attachment=SimpleUploadedFile("tool.exe", b"MZ" + b"\x00" * 64))
    assert client.post("/cases/new/", data).status_code == 400
    del data["attachment"]
    assert client.post("/cases/new/", data).status_code == 302
    assert Case.objects.count() == 1


def test_missing_fields_are_named_and_nothing_is_saved(client, world, setup_a):
    client.force_login(world.merchant_a1)
    response = client.post("/cases/new/", form_data(setup_a, subject="", description="  "))
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"subject", "description"}
    assert not Case.objects.exists()


def test_a_bad_cc_address_is_named_at_its_field(client, world, setup_a):
    client.force_login(world.merchant_a1)
    response = client.post("/cases/new/", form_data(setup_a, cc_emails="ops@alpha.test, not-an-address"))
    assert response.status_code == 400
    assert "not-an-address" in " ".join(response.context["form"].errors["cc_emails"])
    assert not Case.objects.exists()


def test_a_file_of_the_wrong_type_keeps_the_case_from_being_saved(client, world, setup_a):
    client.force_login(world.merchant_a1)
    upload = SimpleUploadedFile("tool.exe", b"MZ\x90\x00" + b"\x00" * 64)
    response = client.post("/cases/new/", form_data(setup_a, attachment=upload))
    assert response.status_code == 400
    assert "Only images (PNG, JPEG, GIF), PDF and plain-text" in response.context["form"].errors["attachment"][0]
    assert not Case.objects.exists() and not Attachment.objects.exists()


@override_settings(ATTACHMENT_MAX_BYTES=32)
def test_a_file_over_the_limit_is_refused_before_anything_is_saved(client, world, setup_a):
    client.force_login(world.merchant_a1)
    upload = SimpleUploadedFile("screen.png", PNG)
    response = client.post("/cases/new/", form_data(setup_a, attachment=upload))
    assert response.status_code == 400
    assert "attachments may be up to 32" in response.context["form"].errors["attachment"][0]
    assert not Case.objects.exists()


def test_another_tenants_priority_or_another_accounts_store_is_refused(client, world, setup_a):
    from tickets.tests.factories import setup_case_tenant

    setup_b = setup_case_tenant(world.tenant_b)
    client.force_login(world.merchant_a1)
    other_store = Store.objects.get(account=world.account_a2)
    response = client.post("/cases/new/", form_data(setup_a, priority=setup_b.normal.pk, store=other_store.pk))
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"priority", "store"}
    assert not Case.objects.exists()


@pytest.mark.parametrize("who", ["analyst_a", "manager_a"])
def test_staff_log_cases_elsewhere_not_on_the_merchant_form(client, world, setup_a, who):
    client.force_login(getattr(world, who))
    assert client.get("/cases/new/").status_code == 403


def act(client, case, action, **data):
    case.refresh_from_db()
    return client.post(f"/cases/{case.number}/do/{action}/", {"version": case.version, **data})


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


def test_an_analyst_logs_a_phone_call_for_a_merchant(client, world, setup_a):
    client.force_login(world.analyst_a)
    page = client.get("/cases/log-call/").content.decode()
    assert "Contact of alpha-one (Alpha One)" in page and "bravo-one" not in page
    response = client.post("/cases/log-call/", form_data(setup_a, requester=world.merchant_a2.pk))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/"
    assert (case.account, case.requester, case.channel) == (world.account_a2, world.merchant_a2, Channel.PHONE)
    opened = CaseEvent.objects.get(case=case, code="case.opened")
    assert opened.actor == world.analyst_a and "on the merchant's behalf" in opened.note
    data = form_data(setup_a, requester=world.merchant_a2.pk, subject="Second call: refunds fail")
    first, again = client.post("/cases/log-call/", data), client.post("/cases/log-call/", data)
    logged = Case.objects.latest("pk")
    assert first["Location"] == again["Location"] == f"/cases/{logged.number}/"
    assert Case.objects.count() == 2  # the call above, and this one logged once though sent twice


def test_the_phone_log_refuses_another_tenants_caller_and_merchants(client, world, setup_a):
    client.force_login(world.analyst_a)
    response = client.post("/cases/log-call/", form_data(setup_a, requester=world.merchant_b1.pk))
    assert response.status_code == 400 and "requester" in response.context["form"].errors
    client.force_login(world.merchant_a1)
    assert client.get("/cases/log-call/").status_code == 403
    assert not Case.objects.exists()


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


def listed(response) -> list[str]:
    return [case.subject for case in response.context["cases"]]


def test_the_queue_filters_by_owner_search_status_and_service_level(client, world, setup_a):
    from datetime import timedelta

    from tickets.sla_sweeps import sweep_breaches, sweep_warnings

    mine = open_case(world.account_a1, setup_a.normal, subject="Mine: refunds")
    open_case(world.account_a2, setup_a.low, subject="Nobody's: labels")
    late = open_case(world.account_a1, setup_a.urgent, subject="Late: outage")
    client.force_login(world.analyst_a)
    act(client, mine, "take")
    sweep_breaches(now=late.opened_at + timedelta(hours=2))  # Urgent answers in 1 h, Normal in 4 h

    assert set(listed(client.get("/queue/"))) == {"Mine: refunds", "Nobody's: labels", "Late: outage"}
    assert listed(client.get("/queue/?owner=me")) == ["Mine: refunds"]
    assert set(listed(client.get("/queue/?owner=unassigned"))) == {"Nobody's: labels", "Late: outage"}
    assert listed(client.get("/queue/?q=labels")) == ["Nobody's: labels"]
    assert listed(client.get(f"/queue/?q={late.number}")) == ["Late: outage"]
    assert listed(client.get("/queue/?sla=breached")) == ["Late: outage"]
    assert listed(client.get(f"/queue/?priority={setup_a.low.pk}")) == ["Nobody's: labels"]
    assert listed(client.get("/queue/?status=open")) == ["Mine: refunds"]

    sweep_warnings(now=mine.opened_at + timedelta(hours=3, minutes=30))  # Normal warns before its 4 h
    flags = {case.subject: (case.breached, case.at_risk) for case in client.get("/queue/").context["cases"]}
    assert flags == {
        "Mine: refunds": (False, True),
        "Nobody's: labels": (False, False),
        "Late: outage": (True, False),
    }
    page = client.get("/queue/").content.decode()
    assert page.count('data-testid="breached"') == 1 and page.count('data-testid="at-risk"') == 1
    assert listed(client.get("/queue/?sla=at_risk")) == ["Mine: refunds"]


def test_bad_filters_say_so_and_never_reach_another_tenant(client, world, setup_a):
    from tickets.tests.factories import setup_case_tenant

    setup_b = setup_case_tenant(world.tenant_b)
    open_case(world.account_a1, setup_a.normal)
    client.force_login(world.analyst_a)
    response = client.get(f"/queue/?status=nonsense&priority={setup_b.normal.pk}")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Status: Select a valid choice." in body and "Priority: Select a valid choice." in body


def test_merchants_look_up_their_old_cases_and_only_theirs(client, world, setup_a):
    old = open_case(world.account_a1, setup_a.normal, subject="Old: tax rates")
    client.force_login(world.analyst_a)
    act(client, old, "resolve", message="Fixed the rates.")
    open_case(world.account_a2, setup_a.normal, subject="Other account: tax export")
    client.force_login(world.merchant_a1)
    assert "/cases/" in client.get("/portal/").content.decode()
    page = client.get("/cases/?q=tax")
    assert listed(page) == ["Old: tax rates"]
    assert 'name="owner"' not in page.content.decode()
    assert listed(client.get("/cases/?status=resolved")) == ["Old: tax rates"]


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


def test_back_then_send_again_shows_the_case_instead_of_opening_a_twin(client, world, setup_a):
    client.force_login(world.merchant_a1)
    first = client.post("/cases/new/", form_data(setup_a))
    case = Case.objects.get()
    assert first["Location"] == f"/cases/{case.number}/"
    client.get("/cases/new/")  # Back reloads the form: whatever the page carried is new
    again = client.post("/cases/new/", form_data(setup_a), follow=True)
    assert again.redirect_chain == [(f"/cases/{case.number}/", 302)]
    assert "That form was sent twice; the case was opened once." in again.content.decode()
    assert Case.objects.count() == 1
    changed = client.post("/cases/new/", form_data(setup_a, subject="Orders stopped syncing again"))
    assert changed.status_code == 302 and Case.objects.count() == 2


def test_the_same_form_long_after_opens_a_new_case(client, world, setup_a):
    client.force_login(world.merchant_a1)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.post("/cases/new/", form_data(setup_a))
        clock.shift(timedelta(minutes=31))
        client.post("/cases/new/", form_data(setup_a))
    assert Case.objects.count() == 2


def test_a_post_from_an_expired_session_keeps_the_text_for_after_sign_in(client, world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    client.force_login(world.merchant_a1)
    client.logout()  # the session expired while the merchant typed
    action = f"/cases/{case.number}/do/comment/"
    sent = client.post(action, {"version": case.version, "body": "Safari <b>only</b>, since 10:00"})
    assert sent.status_code == 302 and sent["Location"].startswith("/login/?next=")
    signed_in = client.post(
        sent["Location"], {"username": world.merchant_a1.email, "password": world.password}, follow=True
    )
    assert signed_in.redirect_chain[-1] == (f"/cases/{case.number}/", 302)
    page = signed_in.content.decode()
    assert "You were signed out before “Add a message” was sent" in page
    assert "Safari &lt;b&gt;only&lt;/b&gt;, since 10:00</textarea>" in page
    assert not Comment.objects.filter(case=case).exists()
    assert "Safari" not in client.get(f"/cases/{case.number}/").content.decode()  # shown once


def test_the_new_case_form_comes_back_filled_in_after_signing_in_again(client, world, setup_a):
    client.force_login(world.merchant_a1)
    client.logout()
    sent = client.post("/cases/new/", form_data(setup_a, subject="Half typed"))
    client.post(sent["Location"], {"username": world.merchant_a1.email, "password": world.password})
    form = client.get("/cases/new/").content.decode()
    assert 'value="Half typed"' in form and "check it and send it again" in form
    assert not Case.objects.exists()


@pytest.mark.parametrize("path", ["/cases/{number}/do/comment/", "/cases/{number}/do/no-such-action/"])
def test_a_get_of_an_action_goes_to_its_case(client, world, setup_a, path):
    case = open_case(world.account_a1, setup_a.normal)
    client.force_login(world.merchant_a1)
    answer = client.get(path.format(number=case.number))
    assert (answer.status_code, answer["Location"]) == (302, f"/cases/{case.number}/")


def test_case_lists_page_on_past_fifty_with_their_filters(client, world, setup_a):
    for n in range(53):
        open_case(world.account_a1, setup_a.low, subject=f"Bulk {n:02}")
    open_case(world.account_a1, setup_a.normal, subject="Other")
    client.force_login(world.analyst_a)
    first = client.get("/queue/?q=Bulk")
    assert len(first.context["cases"]) == 50 and first.context["next_cursor"]
    body = first.content.decode()
    next_link = body.split('data-testid="next-page"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    assert next_link.startswith("?") and "q=Bulk" in next_link and "cursor=" in next_link
    second = client.get(f"/queue/{next_link}")
    seen = [c.subject for c in first.context["cases"]] + [c.subject for c in second.context["cases"]]
    assert sorted(seen) == [f"Bulk {n:02}" for n in range(53)] and second.context["next_cursor"] is None
    assert "First page" in second.content.decode()
    assert client.get("/cases/?cursor=not-a-cursor").status_code == 400


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
