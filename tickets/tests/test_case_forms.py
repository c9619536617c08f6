"""Opening a case from a form: the merchant's new-case form and the analyst's phone log, what they refuse,
and sending one twice or after signing in again."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from helpdesk.models import Store
from tickets.models import Attachment, Case, CaseEvent, Channel, Comment
from tickets.tests.factories import open_case
from tickets.tests.page_helpers import PNG, form_data

pytestmark = pytest.mark.django_db


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
