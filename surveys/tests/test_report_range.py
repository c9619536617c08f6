"""The satisfaction report over a date range: CSAT as the share of 4–5 answers, months named as
the compliance report names them, each table as CSV, and another tenant's answers never counted."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client

from surveys.services import Answer, survey_answer, survey_invite
from tickets.tests.factories import MONDAY_9, open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def answers(world, setup_a, setup_b):
    """Tenant A: 5 and 4 in November 2026, 2 in October; tenant B: a 5 in November."""
    for at, score in ((MONDAY_9, 5), (MONDAY_9, 4), (MONDAY_9 - timedelta(days=40), 2)):
        invitation = survey_invite(case=open_case(world.account_a1, setup_a.normal, at=at), at=at)
        survey_answer(invitation=invitation, answer=Answer(score, 3, 3, 3), at=at + timedelta(hours=1))
    survey_invite(case=open_case(world.account_a2, setup_a.normal), at=MONDAY_9)  # unanswered
    other = survey_invite(case=open_case(world.account_b1, setup_b.normal), at=MONDAY_9)
    survey_answer(invitation=other, answer=Answer(5, 5, 5, 5), at=MONDAY_9)


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_months_are_named_in_full_and_csat_is_the_share_of_4_and_5(world, answers):
    client = Client()
    client.force_login(world.manager_a)
    rows = csv_rows(client.get("/reports/satisfaction/?export=month&start=2026-10-01&end=2026-11-30"))
    assert rows[0][:4] == ["Month", "Answers", "Answers of 4–5", "CSAT (%)"]
    assert [row[:4] for row in rows[1:]] == [["October 2026", "1", "0", "0.0"], ["November 2026", "2", "2", "100.0"]]


def test_the_range_narrows_answers_and_the_response_rate(world, answers):
    client = Client()
    client.force_login(world.manager_a)
    page = client.get("/reports/satisfaction/?start=2026-11-01&end=2026-11-30")
    assert page.context["report"]["answered"] == 2 and page.context["report"]["invited"] == 3
    assert "2 of 3 surveys answered (66.7%)" in page.content.decode()
    plan = csv_rows(client.get("/reports/satisfaction/?export=plan&start=2026-11-01&end=2026-11-30"))
    assert plan[1][:4] == ["Gold", "2", "2", "100.0"]
    wrong = client.get("/reports/satisfaction/?start=2026-11-30&end=2026-11-01")
    assert "The end comes before the start" in wrong.content.decode()
    assert client.get("/reports/satisfaction/?export=nothing").status_code == 404


def test_the_api_report_gives_csat_per_row(world, answers):
    from helpdesk.services import api_key_create

    _, key = api_key_create(user=world.manager_b, name="t")
    body = Client().get("/api/v1/surveys/report/", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert [(row["label"], row["satisfied"], row["csat"]) for row in body["plan"]] == [("Gold", 1, 100.0)]
