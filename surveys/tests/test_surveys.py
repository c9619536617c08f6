"""Surveys: one invitation per closing, a signed single-use expiring link, reports, follow-ups."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from helpdesk.models import OutboxMessage
from surveys.models import SurveyFollowUp, SurveyInvitation, SurveyResponse
from surveys.services import (
    SALT,
    invitation_token,
    reminders_due,
    survey_remind,
)
from tickets.services import (
    case_close,
    case_close_if_unanswered,
    case_confirm_closure,
    case_confirm_resolution,
    case_propose_resolution,
    case_reopen,
    case_request_closure,
)
from tickets.tests.factories import open_case

pytestmark = pytest.mark.django_db
ANSWER = {
    "overall": "4",
    "product_quality": "5",
    "service_delivery": "4",
    "process": "3",
    "met_expectations": "partly",
    "comment": "Quick and kind.",
}


def closed_case(world, setup_a, how: str = "confirm", account=None):
    now = timezone.now()
    case = open_case(account or world.account_a1, setup_a.normal, at=now - timedelta(hours=3))
    analyst = world.analyst_a if case.tenant_id == world.tenant_a.pk else world.analyst_b
    if how == "request":
        case_request_closure(case=case, actor=case.requester, at=now - timedelta(hours=2))
        return case_confirm_closure(case=case, actor=analyst, at=now - timedelta(hours=1))
    case_propose_resolution(case=case, actor=analyst, summary="Fixed", at=now - timedelta(hours=2))
    if how == "confirm":
        return case_confirm_resolution(case=case, actor=case.requester, at=now - timedelta(hours=1))
    if how == "agreement":
        return case_close(case=case, actor=analyst, at=now - timedelta(hours=1))
    return case_close_if_unanswered(case=case, at=now + timedelta(days=world.tenant_a.auto_close_days))


def link_of(invitation: SurveyInvitation) -> str:
    message = OutboxMessage.objects.get(kind="survey_invitation", dedupe_key=f"survey:{invitation.pk}")
    return re.search(r"http://127\.0\.0\.1:8000(/survey/\S+/)", message.body_text).group(1)


@pytest.mark.parametrize("how", ["confirm", "agreement", "request", "auto"])
def test_every_closing_sends_one_invitation_to_the_requester(world, setup_a, how):
    case = closed_case(world, setup_a, how)
    invitation = SurveyInvitation.objects.get(case=case)
    assert invitation.recipient == case.requester
    message = OutboxMessage.objects.get(kind="survey_invitation")
    assert message.to == [case.requester.email] and message == invitation.message
    assert "What happens next" in message.body_text


def test_the_form_records_one_answer_and_shows_it_after(client, world, setup_a):
    invitation = SurveyInvitation.objects.get(case=closed_case(world, setup_a))
    link = link_of(invitation)
    form = client.get(link)
    assert form.status_code == 200 and "How did we do?" in form.content.decode()
    assert client.post(link, {**ANSWER, "overall": "9"}).status_code == 200
    assert not SurveyResponse.objects.exists()
    done = client.post(link, ANSWER, follow=True)
    assert done.redirect_chain == [(link, 302)]  # post/redirect/get: a reload sends nothing again
    assert "Thank you for your answer" in done.content.decode()
    again = client.post(link, {**ANSWER, "overall": "1"})
    body = again.content.decode()
    assert "You have answered this survey" in body and "<dd>4 / 5</dd>" in body
    assert SurveyResponse.objects.count() == 1 and SurveyResponse.objects.get().overall == 4


def test_expired_links_explain_themselves_and_offer_nothing(client, world, setup_a):
    invitation = SurveyInvitation.objects.get(case=closed_case(world, setup_a))
    SurveyInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(link_of(invitation))
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert "<form" not in response.content.decode().split("<main ")[1]
    assert client.post(link_of(invitation), ANSWER).status_code == 410 and not SurveyResponse.objects.exists()


def test_tampered_links_and_another_tenants_invitation_are_refused(client, world, setup_a, setup_b):
    mine = SurveyInvitation.objects.get(case=closed_case(world, setup_a))
    theirs = SurveyInvitation.objects.get(case=closed_case(world, setup_b, account=world.account_b1))
    token = invitation_token(mine)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (forged, "garbage", signing.dumps({"t": mine.tenant_id, "i": theirs.pk}, salt="another-salt")):
        response = client.get(f"/survey/{bad}/")
        assert response.status_code == 404 and "not valid" in response.content.decode()
    crossed = signing.dumps({"t": mine.tenant_id, "i": theirs.pk}, salt=SALT, compress=True)
    assert client.get(f"/survey/{crossed}/").status_code == 404  # a real id under the wrong tenant


def test_a_reopened_and_reclosed_case_sends_a_new_survey_and_the_old_link_stops(client, world, setup_a):
    case = closed_case(world, setup_a)
    old = SurveyInvitation.objects.get(case=case)
    case_reopen(case=case, actor=case.requester, reason="Back again")
    case_propose_resolution(case=case, actor=world.analyst_a, summary="Fixed again")
    case_confirm_resolution(case=case, actor=case.requester)
    new = SurveyInvitation.objects.exclude(pk=old.pk).get(case=case)
    stale = client.get(link_of(old))
    assert stale.status_code == 410 and "replaced by a newer one" in stale.content.decode()
    assert client.get(link_of(new)).status_code == 200


def test_one_reminder_after_the_tenants_days(world, setup_a):
    invitation = SurveyInvitation.objects.get(case=closed_case(world, setup_a))
    days = world.tenant_a.survey_reminder_days
    assert reminders_due(now=invitation.created_at + timedelta(days=days) - timedelta(minutes=1)) == []
    due = reminders_due(now=invitation.created_at + timedelta(days=days))
    assert due == [invitation.pk]
    assert survey_remind(invitation_id=invitation.pk, now=timezone.now())
    assert not survey_remind(invitation_id=invitation.pk, now=timezone.now())
    assert OutboxMessage.objects.filter(kind="survey_reminder").count() == 1
    world.tenant_a.survey_reminder_days = None
    world.tenant_a.save()
    second = SurveyInvitation.objects.get(case=closed_case(world, setup_a))
    assert second.pk not in reminders_due(now=second.created_at + timedelta(days=30))


def test_managers_see_the_report_follow_up_low_scores_and_bounces(client, world, setup_a):
    good = SurveyInvitation.objects.get(case=closed_case(world, setup_a))
    poor = SurveyInvitation.objects.get(case=closed_case(world, setup_a, account=world.account_a2))
    SurveyInvitation.objects.get(case=closed_case(world, setup_a))  # unanswered
    client.post(link_of(good), ANSWER)
    client.post(link_of(poor), {**ANSWER, "overall": "2", "comment": "Too slow"})
    OutboxMessage.objects.filter(pk=poor.message_id).update(delivery_status="bounced")
    client.force_login(world.manager_a)
    page = client.get("/reports/satisfaction/").content.decode()
    assert "2 of 3 surveys answered (66.7%)" in page
    assert "Gold" in page and "Silver" in page and "Normal" in page
    assert "Too slow" in page and f"{poor.case.number} to merchant@alpha-two.test: bounced" in page
    follow_up = SurveyFollowUp.objects.get()
    client.post("/reports/satisfaction/", {"follow_up": follow_up.pk, "take": "1"})
    follow_up.refresh_from_db()
    assert follow_up.owner == world.manager_a
    client.post("/reports/satisfaction/", {"follow_up": follow_up.pk, "close": "1", "note": "Called; offered training"})
    follow_up.refresh_from_db()
    assert follow_up.state == "closed" and follow_up.note == "Called; offered training"
    client.force_login(world.manager_b)
    assert "Too slow" not in client.get("/reports/satisfaction/").content.decode()
    client.force_login(world.analyst_a)
    assert client.get("/reports/satisfaction/").status_code == 403


def test_report_queries_do_not_grow_with_answers(client, world, setup_a):
    client.force_login(world.manager_a)
    client.post(link_of(SurveyInvitation.objects.get(case=closed_case(world, setup_a))), ANSWER)
    client.get("/reports/satisfaction/")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get("/reports/satisfaction/")
        return len(queries)

    one = count()
    for _ in range(5):
        invitation = SurveyInvitation.objects.get(case=closed_case(world, setup_a))
        client.post(link_of(invitation), {**ANSWER, "overall": "1"})
    assert count() == one


def test_survey_api_for_managers(world, setup_a, client):
    from rest_framework.test import APIClient

    from helpdesk.services import api_key_create

    client.post(link_of(SurveyInvitation.objects.get(case=closed_case(world, setup_a))), ANSWER)
    api = APIClient()
    _, raw = api_key_create(user=world.manager_a)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    responses = api.get("/api/v1/surveys/responses/").json()
    assert [(r["overall"], r["met_expectations"]) for r in responses["results"]] == [(4, "partly")]
    report = api.get("/api/v1/surveys/report/").json()
    assert report["response_rate"] == 100.0
    assert report["expectations"] == {"yes": 0, "partly": 1, "no": 0}
    _, merchant_key = api_key_create(user=world.merchant_a1)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {merchant_key}")
    assert api.get("/api/v1/surveys/responses/").status_code == 403


def test_the_survey_asks_whether_we_met_expectations_and_reports_it(client, world, setup_a):
    link = link_of(SurveyInvitation.objects.get(case=closed_case(world, setup_a)))
    form = client.get(link).content.decode()
    assert "Did our solution or recommendations meet your expectations?" in form
    without = {key: value for key, value in ANSWER.items() if key != "met_expectations"}
    refused = client.post(link, without)
    assert refused.status_code == 200
    assert "met_expectations" in refused.context["form"].errors
    assert not SurveyResponse.objects.exists()
    client.post(link, {**ANSWER, "met_expectations": "no"})
    assert SurveyResponse.objects.get().met_expectations == "no"
    assert "Met your expectations</dt><dd>No" in client.get(link).content.decode()
    client.force_login(world.manager_a)
    report = client.get("/reports/satisfaction/").content.decode()
    assert "Met their expectations: yes 0, partly 0, no 1." in report


def test_the_survey_page_carries_the_tenants_name_and_the_merchants_zone(client, world, setup_a):
    invitation = SurveyInvitation.objects.get(case=closed_case(world, setup_a))
    invitation.recipient.time_zone = "Pacific/Auckland"
    invitation.recipient.save()
    link = link_of(invitation)
    assert world.tenant_a.name in client.get(link).content.decode()
    client.post(link, ANSWER)
    body = client.get(link).content.decode()
    answered = SurveyResponse.objects.get().answered_at.astimezone(ZoneInfo("Pacific/Auckland"))
    assert f"recorded {answered:%-d %b %Y, %H:%M} NZ" in body
