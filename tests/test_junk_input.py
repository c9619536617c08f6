"""Junk in every form field and query parameter of every page gives an answer, never a 500.

The walk starts from the URL resolver: each page (the API has its own schemathesis run) is
requested by every role, every form found on it is posted back with junk in each field in turn
and in all fields at once, and every query parameter its forms and links use is sent junk. The
test client re-raises any exception a view lets escape, so a 500 fails the test with its cause.
A new page whose URL takes an argument this walk cannot fill fails here until it is taught one.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from helpdesk.models import Role, WebhookDelivery
from helpdesk.services import (
    api_key_create,
    partner_link_accounts,
    store_create,
    user_create,
    webhook_endpoint_create,
)
from sla.selectors import policy_current
from surveys.models import SurveyInvitation
from surveys.services import Answer, invitation_token, survey_answer
from tickets.models import Attachment, Plan, Priority
from tickets.services import (
    attachment_add,
    case_confirm_resolution,
    case_propose_resolution,
    engineering_issue_link,
    escalation_raise,
)
from tickets.tests.factories import open_case

pytestmark = pytest.mark.django_db

NULL_CURSOR = base64.urlsafe_b64encode(json.dumps([None, None, None]).encode()).decode()
JUNK = ["abc", "-1", "0", "99999999999999999999999", "", "<script>x</script>", "2026-13-45T99:99", "\u00e9" * 300]
QUERY_JUNK = ["abc", "99999999999999999999999", "<script>x</script>", "\u00e9" * 300, NULL_CURSOR]
ALWAYS_TRIED = ("cursor",)
SKIPPED_PREFIXES = ("api/", "admin/", "anymail/")  # the API: schemathesis; the admin and anymail: their own
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class FormsAndLinks(HTMLParser):
    """Every form (action, method, fields with their shown values) and every same-site link."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.forms.append(
                {"action": a.get("action") or "", "method": (a.get("method") or "get").lower(), "fields": {}}
            )
        elif tag in ("input", "select", "textarea", "button") and self.forms and a.get("name"):
            fields = self.forms[-1]["fields"]
            if a.get("type") in ("checkbox", "radio") and a.get("name") in fields:
                return
            fields[a["name"]] = a.get("value") or ""
        elif tag == "a" and (a.get("href") or "").startswith(("/", "?")):
            self.links.append(a["href"])


@pytest.fixture
def site(world, setup_a):
    """One of everything a page can name: a case with a file, an escalation and an engineering
    issue; a closed case with a survey answered low (a follow-up); a webhook delivery; a key."""
    now = timezone.now()
    case = open_case(world.account_a1, setup_a.normal, at=now - timedelta(hours=2))
    attachment_add(case=case, actor=world.merchant_a1, file=ContentFile(PNG, name="a.png"))
    escalation = escalation_raise(case=case, actor=world.merchant_a1, reason="responsiveness", notes="Slow")
    engineering_issue_link(case=case, actor=world.analyst_a, reference="ENG-1")
    closed = open_case(world.account_a1, setup_a.normal, at=now - timedelta(hours=3))
    case_propose_resolution(case=closed, actor=world.analyst_a, summary="Fixed", at=now - timedelta(hours=2))
    case_confirm_resolution(case=closed, actor=world.merchant_a1, at=now - timedelta(hours=1))
    answered = SurveyInvitation.objects.get(case=closed)
    survey_answer(invitation=answered, answer=Answer(overall=1, product_quality=1, service_delivery=1, process=1))
    endpoint = webhook_endpoint_create(tenant=world.tenant_a, url="http://127.0.0.1:9/hook", events=["case.updated"])
    WebhookDelivery.objects.create(tenant=world.tenant_a, endpoint=endpoint, event="case.updated", payload={})
    api_key_create(user=world.analyst_a, name="walk")
    fresh = open_case(world.account_a1, setup_a.low, at=now - timedelta(hours=1))
    case_propose_resolution(case=fresh, actor=world.analyst_a, summary="Done", at=now - timedelta(minutes=30))
    store = store_create(account=world.account_a1, name="Walk shop", url="https://walk.shop.example")
    spare_priority = Priority.objects.create(tenant=world.tenant_a, name="Walk level", rank=90)
    spare_plan = Plan.objects.create(tenant=world.tenant_a, name="Walk plan", rank=90)
    partner = user_create(tenant=world.tenant_a, email="walk-partner@agency.test", role=Role.PARTNER)
    partner_link_accounts(user=partner, accounts=[world.account_a1])
    return {
        "partner_id": partner.pk,
        "account_id": world.account_a1.pk,
        "merchant_id": world.merchant_a1.pk,
        "priority_id": spare_priority.pk,
        "plan_id": spare_plan.pk,
        "number": case.number,
        "action": "comment",
        "store_id": store.pk,
        "tenant_slug": world.tenant_a.slug,
        "pk": escalation.pk,
        "token": Attachment.objects.get(case=case).token,
        "reference": "ENG-1",
        "uidb64": "MQ",
        "survey": invitation_token(answered),
        "resolved": fresh.number,
        "calendar": setup_a.office.pk,
        "sla_version": policy_current(tenant=world.tenant_a).pk,
    }


def _routes(patterns: list, prefix: str = "") -> list[tuple[str, str]]:
    routes = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIPPED_PREFIXES) or route.startswith("^"):
            continue
        if isinstance(entry, URLResolver):
            routes += _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and entry.name:
            routes.append((entry.name, route))
    return routes


def _urls(name: str, route: str, site: dict) -> list[str]:
    named = set(re.findall(r"<(?:\w+:)?(\w+)>", route))
    missing = named - set(site)
    assert not missing, f"teach this walk a value for {missing} in {route} ({name})"
    params = {key: site[key] for key in named}
    if name == "escalation-action":
        params["action"] = "resolve"
    if name in ("settings-calendar", "sla-version"):  # their `pk` names a calendar, a policy version
        params["pk"] = site["calendar" if name == "settings-calendar" else "sla_version"]
    urls = [reverse(name, kwargs=params)]
    if name == "survey":
        urls.append(reverse(name, kwargs={"token": site["survey"]}))
    if name in ("case-detail", "case-confirm", "case-reopen"):
        urls.append(reverse(name, kwargs={"number": site["resolved"]}))
    return urls


def _post_junk(client, url: str, form: dict) -> None:
    target = form["action"] or url
    fields = {name: value for name, value in form["fields"].items() if name != "csrfmiddlewaretoken"}
    for junk in JUNK:
        client.post(target, {name: junk for name in fields})
    for name in fields:
        client.post(target, {**fields, name: JUNK[0]})
        client.post(target, {**fields, name: JUNK[3]})


def _get_junk(client, url: str, parsed: FormsAndLinks) -> None:
    names = set(ALWAYS_TRIED)
    for form in parsed.forms:
        if form["method"] == "get":
            names |= set(form["fields"])
    for link in parsed.links:
        names |= {name for name, _ in parse_qsl(urlsplit(link).query)}
    for name in sorted(names):
        for junk in QUERY_JUNK:
            client.get(url, {name: junk})


@pytest.mark.slow
@pytest.mark.parametrize("role", ["anonymous", "merchant_a1", "analyst_a", "manager_a", "admin_a"])
def test_no_page_answers_junk_with_a_server_error(client, world, site, role):
    if role != "anonymous":
        client.force_login(getattr(world, role))
    walked = 0
    for name, route in _routes(get_resolver().url_patterns):
        for url in _urls(name, route, site):
            page = client.get(url)
            parsed = FormsAndLinks()
            if not page.streaming:  # a file download has no forms
                parsed.feed(page.content.decode(errors="replace"))
            _get_junk(client, url, parsed)
            for form in parsed.forms:
                if form["method"] == "post":
                    _post_junk(client, url, form)
                    walked += 1
            if role != "anonymous" and client.session.get("_auth_user_id") is None:
                client.force_login(getattr(world, role))  # a junk post to /logout/ signed us out
    assert walked > 0


@pytest.mark.parametrize(
    ("who", "path", "data", "field"),
    [
        ("admin_a", "/settings/api-keys/", {"revoke": "abc"}, "revoke"),
        ("admin_a", "/settings/webhooks/", {"toggle": "abc"}, "toggle"),
        ("admin_a", "/settings/webhooks/", {"replay": "99999999999999999999999"}, "replay"),
        ("manager_a", "/reports/satisfaction/", {"follow_up": "abc", "take": "1"}, "follow_up"),
    ],
)
def test_an_id_that_is_no_id_is_a_clear_400(client, world, site, who, path, data, field):
    client.force_login(getattr(world, who))
    answer = client.post(path, data)
    assert answer.status_code == 400
    assert f"“{field}” must name one of the listed items." in answer.content.decode()


def test_a_cursor_of_nulls_is_refused_as_a_cursor(client, world, site):
    client.force_login(world.analyst_a)
    page = client.get("/queue/", {"cursor": NULL_CURSOR})
    assert page.status_code == 400 and "The cursor is not one this API gave out." in page.content.decode()
    _, raw = api_key_create(user=world.analyst_a, name="cursor")
    answer = Client().get("/api/v1/cases/", {"cursor": NULL_CURSOR}, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert answer.status_code == 400 and answer.json()["errors"] == {"cursor": ["Invalid cursor."]}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"decided_from": "2026-13-45", "metric": "first_response"}, "decided_from"),
        ({"decided_to": "99999999999999999999999", "metric": "resolution"}, "decided_to"),
        ({"decided_from": "2026-11-24", "decided_to": "2026-11-23", "outcome": "met"}, "decided_to"),
        ({"decided_from": "2026-11-23"}, "decided_from"),  # days without a target or a survey
        ({"started_from": "2026-11-23", "survey": "answered"}, "started_from"),
        ({"started_to": "<script>x</script>", "outcome": "any"}, "started_to"),
        ({"metric": "uptime"}, "metric"),
        ({"decided_to": "9999-12-31", "metric": "resolution"}, "decided_to"),
        ({"started_from": "0001-01-01", "outcome": "met"}, "started_from"),
        ({"outcome": "\u00e9" * 300}, "outcome"),
        ({"survey": "1 OR 1=1"}, "survey"),
    ],
)
def test_a_wrong_drill_down_filter_is_a_form_error_at_its_field(client, world, query, field):
    client.force_login(world.manager_a)
    page = client.get("/cases/", query)
    assert page.status_code == 200
    assert field in page.context["filters"].errors
