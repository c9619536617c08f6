"""The isolation matrix, generated from the code: every page (URL resolver) and every API
operation (OpenAPI schema), requested by every principal, aimed at every kind of object.

Principals: anonymous; merchants of accounts A1 and A2 of tenant A; a partner of tenant A linked to
A1 (and not to A2); tenant A's analyst, manager and admin; tenant B's analyst, manager and admin
(pages with a session, the API with a key). Objects: the principal's own (the partner's: its
linked account's), another account's (merchants and the partner: an unlinked account's), another
tenant's, and a missing one.

- A route that `tests/isolation_routes.py` does not classify fails the walk (and so does a row
  there that names no route any more).
- The principal's own object answers by the table: its roles get in (no 401/403/404, no 5xx),
  other roles get 403, anonymous visitors are sent to sign in (pages) or get 401 (API).
- Another account's or tenant's object answers exactly like a missing one: same status, same
  body once the identifier itself is blanked out.
- No answer to anyone carries another account's or tenant's data: every case holds a marker in
  its subject and comments, and a body with a marker the principal may not see fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from helpdesk import rls
from helpdesk.models import Role
from helpdesk.services import api_key_create, partner_link_accounts, store_create, user_create
from sla.selectors import policy_current
from sla.services import calendar_save
from tests.isolation_routes import API, PAGES, PREFIXES, PUBLIC, TOKEN, Rule
from tickets.models import CaseEvent, Notification
from tickets.services import attachment_add, canned_reply_save, comment_add, engineering_issue_link, escalation_raise
from tickets.tests.factories import open_case

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
DENIED = {401, 403, 404}
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|csrftoken=[^;"\s]*|nonce="[^"]*"')


@dataclass(frozen=True)
class Principal:
    name: str  # a World attribute, or "anonymous"
    own: str | None  # key of the principal's own objects in the estate
    other_account: str | None  # another account of the same tenant (merchants only)
    other_tenant: str


PRINCIPALS = [
    Principal("anonymous", "a1", None, "b1"),
    Principal("merchant_a1", "a1", "a2", "b1"),
    Principal("merchant_a2", "a2", "a1", "b1"),
    Principal("partner_a1", "a1", "a2", "b1"),  # a partner linked to A1 only: A2 is unlinked
    Principal("analyst_a", "a1", None, "b1"),
    Principal("manager_a", "a1", None, "b1"),
    Principal("admin_a", "a1", None, "b1"),
    Principal("analyst_b", "b1", None, "a1"),
    Principal("manager_b", "b1", None, "a1"),
    Principal("admin_b", "b1", None, "a1"),
]
# Whose markers each estate key carries; a principal may see only its own tenant's (staff) or
# own account's (merchants) markers.
MARKERS = {"a1": "LEAKCHECK-A1", "a2": "LEAKCHECK-A2", "b1": "LEAKCHECK-B1"}


def _build_objects(world, account, setup, key: str) -> dict[str, str]:
    marker = MARKERS[key]
    at = timezone.now() - timedelta(hours=1)
    case = open_case(account, setup.normal, at=at, subject=f"Checkout fails {marker}")
    comment_add(case=case, actor=account.technical_contact, body=f"More detail {marker}")
    attachment = attachment_add(case=case, actor=account.technical_contact, file=ContentFile(PNG, name="s.png"))
    staff = world.analyst_a if account.tenant_id == world.tenant_a.pk else world.analyst_b
    engineering_issue_link(case=case, actor=staff, reference=f"ENG-{key.upper()}", title=marker)
    escalation = escalation_raise(case=case, actor=account.technical_contact, reason="responsiveness", notes=marker)
    store = store_create(account=account, name=f"Shop {marker}", url=f"https://{key}.shop.example")
    reply = canned_reply_save(actor=_staff(world, account, "manager"), title=f"Reply {marker}", body=marker)
    calendar = calendar_save(
        tenant=account.tenant, name=f"Cal {marker}", time_zone="UTC", hours={"mon": [["09:00", "17:00"]]}
    )
    return {
        "store": str(store.pk),
        "case": case.number,
        "escalation": str(escalation.pk),
        "attachment": attachment.token,
        "reference": f"ENG-{key.upper()}",
        "canned_reply": str(reply.pk),
        "staff_member": str(_staff(world, account, "analyst").pk),
        "account": str(account.pk),
        "calendar": str(calendar.pk),
        "sla_version": str(policy_current(tenant=account.tenant).pk),
        "priority": str(setup.normal.pk),
        "plan": str(account.plan_id),
        "partner": str(_partner(account, key, marker).pk),
        "merchant_user": str(account.technical_contact_id),
        **_notifications(world, account, case),
    }


def _partner(account, key: str, marker: str):
    partner = user_create(
        tenant=account.tenant, email=f"partner-{key}@agency.test", role=Role.PARTNER, full_name=f"Partner {marker}"
    )
    partner_link_accounts(user=partner, accounts=[account])
    return partner


def _staff(world, account, role: str):
    return getattr(world, f"{role}_{'a' if account.tenant_id == world.tenant_a.pk else 'b'}")


def _notifications(world, account, case) -> dict[str, str]:
    """A notification of this case for each staff principal of its tenant, under
    "notification:<principal>" (notifications are per user), and one of them as "notification"."""
    event = CaseEvent.objects.filter(case=case, code="case.opened").get()
    ids = {}
    for role in ("analyst", "manager", "admin"):
        user = _staff(world, account, role)
        notification, _ = Notification.objects.get_or_create(
            recipient=user, event=event, defaults={"tenant": case.tenant, "case": case, "kind": "new_case"}
        )
        ids[f"notification:{role}_{'a' if account.tenant_id == world.tenant_a.pk else 'b'}"] = str(notification.pk)
    return {"notification": next(iter(ids.values())), **ids}


@pytest.fixture
def estate(world, setup_a, setup_b) -> dict[str, dict[str, str]]:
    partner = user_create(tenant=world.tenant_a, email="partner@agency.test", role=Role.PARTNER, full_name="Pia")
    partner_link_accounts(user=partner, accounts=[world.account_a1])
    world.partner_a1 = partner  # the World has no partner; the matrix's walker reads principals off it
    objects = {
        "a1": _build_objects(world, world.account_a1, setup_a, "a1"),
        "a2": _build_objects(world, world.account_a2, setup_a, "a2"),
        "b1": _build_objects(world, world.account_b1, setup_b, "b1"),
    }
    a1 = objects["a1"]
    objects["missing"] = {
        "case": re.sub(r"\d+$", "987654", a1["case"]),
        "escalation": str(int(a1["escalation"]) + 100000),
        "attachment": a1["attachment"][::-1],
        "reference": "ENG-MISSING",
        "store": str(int(a1["store"]) + 100000),
        "notification": str(int(a1["notification"]) + 100000),
        "canned_reply": str(int(a1["canned_reply"]) + 100000),
        "staff_member": str(int(a1["staff_member"]) + 100000),
        "account": str(int(a1["account"]) + 100000),
        "calendar": str(int(a1["calendar"]) + 100000),
        "sla_version": str(int(a1["sla_version"]) + 100000),
        "priority": str(int(a1["priority"]) + 100000),
        "plan": str(int(a1["plan"]) + 100000),
        "partner": str(int(a1["partner"]) + 100000),
        "merchant_user": str(int(a1["merchant_user"]) + 100000),
    }
    return objects


def _page_routes(patterns: list, prefix: str = "") -> list[tuple[str | None, str]]:
    routes: list[tuple[str | None, str]] = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(tuple(PREFIXES)):
            continue
        if isinstance(entry, URLResolver):
            routes += _page_routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            routes.append((entry.name, route))
    return routes


def _api_operations() -> dict[str, dict]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        f"{method.upper()} {path}": operation
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }


def test_every_route_is_classified_once(db):
    pages = _page_routes(get_resolver().url_patterns)
    operations = _api_operations()
    unnamed = [route for name, route in pages if name is None and not route.startswith("api/v1/")]
    assert unnamed == [], "give these pages a URL name so the matrix can classify them"
    named = {name for name, _ in pages if name}
    schema_paths = {re.sub(r"\{\w+\}", "{}", key.split(" ", 1)[1]) for key in operations}
    api_routes = {"/" + re.sub(r"<(?:\w+:)?\w+>", "{}", route) for name, route in pages if name is None}
    assert api_routes - schema_paths == set(), "API routes missing from the OpenAPI schema"
    assert sorted(named - set(PAGES)) == [], "classify these pages in tests/isolation_routes.py"
    assert sorted(set(PAGES) - named) == [], "these rows name no page any more"
    assert sorted(set(operations) - set(API)) == [], "classify these operations in tests/isolation_routes.py"
    assert sorted(set(API) - set(operations)) == [], "these rows name no operation any more"


def _allowed(rule: Rule, role: str | None) -> bool:
    return rule.roles == PUBLIC or (role is not None and role in rule.roles)


def _forbidden_markers(principal: Principal) -> list[str]:
    if principal.name == "anonymous":
        return list(MARKERS.values())
    visible = {principal.own} if principal.other_account else {k for k in MARKERS if k[0] == principal.own[0]}
    return [marker for key, marker in MARKERS.items() if key not in visible]


def _body(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return CSRF_RE.sub("", body.decode(errors="replace"))


def _blanked(text: str, identifier: str) -> str:
    """The identifier blanked wherever it stands alone (an id of 1 leaves `initial-scale=1` be, an
    id of 3 the version in `bootstrap-5.3.8`)."""
    for form in {identifier, quote(identifier, safe=""), quote(identifier)}:
        text = re.sub(rf"(?<![\w=-])(?<!\d\.){re.escape(form)}(?!\w|\.\d)", "{id}", text)
    return text


def _first_difference(one: str, other: str) -> str:
    lines = [(a, b) for a, b in zip(one.splitlines(), other.splitlines(), strict=False) if a != b]
    return f"{lines[0][0].strip()[:200]!r} where a missing one has {lines[0][1].strip()[:200]!r}" if lines else ""


TOKEN_VALUES = {"token": "missing-token-0123456789", "uidb64": "MQ"}


class Walker:
    """Requests routes as one principal and collects every answer that breaks the rules."""

    def __init__(self, world, estate: dict, principal: Principal, api: bool) -> None:
        self.world, self.estate, self.principal, self.api = world, estate, principal, api
        self.user = None if principal.name == "anonymous" else getattr(world, principal.name)
        self.role = self.user.role if self.user else None
        self.forbidden = _forbidden_markers(principal)
        self.client = Client()
        if self.user is not None and api:
            _, raw = api_key_create(user=self.user, name="isolation matrix")
            self.client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        self.problems: list[str] = []
        self.compared = 0  # answers compared with a missing object's

    def _signed_in(self) -> None:
        if self.user is not None and not self.api and self.client.session.get("_auth_user_id") is None:
            with rls.cross_tenant("the test signs in as /login/ would"):
                self.client.force_login(self.user)  # the first request, or after /logout/

    def _forget_messages(self) -> None:
        """Drop messages an earlier request left for the next page, so answers compare alone."""
        self.client.cookies.pop("messages", None)
        if self.user is not None and not self.api and "_messages" in self.client.session:
            session = self.client.session
            del session["_messages"]
            session.save()

    def _send(self, method: str, url: str):
        self._signed_in()
        self._forget_messages()
        if method == "get":
            answer = self.client.get(url)
        elif self.api:
            answer = getattr(self.client, method)(url, data={}, content_type="application/json")
        else:
            answer = getattr(self.client, method)(url, data={})
        status, text = answer.status_code, _body(answer)
        leaked = [marker for marker in self.forbidden if marker in text]
        if leaked:
            self.problems.append(f"{method.upper()} {url}: {status} carries {leaked}")
        if status >= 500:
            self.problems.append(f"{method.upper()} {url}: server error {status}")
        return answer, text

    def _expect_own(self, label: str, rule: Rule, answer) -> None:
        status = answer.status_code
        if self.role is None and rule.roles != PUBLIC:
            wanted = "401" if self.api else "a redirect to /login/"
            ok = status == 401 if self.api else (status == 302 and "/login/" in answer.get("Location", ""))
        elif _allowed(rule, self.role):
            wanted, ok = "to be let in", status not in DENIED
        else:
            wanted, ok = "403", status == 403
        if not ok:
            self.problems.append(f"{label} own object: {status}, wanted {wanted}")

    def route(self, label: str, rule: Rule, method: str, url_for) -> None:
        """url_for(identifier or None) -> URL; the own object is tried last (it may act)."""
        if rule.target is None:
            self._expect_own(label, rule, self._send(method, url_for(None))[0])
            return
        if rule.target == TOKEN:
            self._send(method, url_for(TOKEN))
            return
        missing_id = self.estate["missing"][rule.target]
        missing = self._compared(method, url_for(missing_id), missing_id)
        for whose in (self.principal.other_account, self.principal.other_tenant):
            if whose is None:
                continue
            other_id = self._object(whose, rule.target)
            other = self._compared(method, url_for(other_id), other_id)
            if other != missing:
                differ = _first_difference(other[1], missing[1])
                self.problems.append(f"{label} {whose}'s: {other[0]}, a missing one: {missing[0]}; {differ}")
        own_id = self._object(self.principal.own, rule.target)
        self._expect_own(label, rule, self._send(method, url_for(own_id))[0])

    def _object(self, whose: str, target: str) -> str:
        """The estate's object of `whose` for this principal: its own where objects are per user."""
        objects = self.estate[whose]
        return objects.get(f"{target}:{self.principal.name}", objects[target])

    def _compared(self, method: str, url: str, identifier: str) -> tuple[int, str]:
        answer, text = self._send(method, url)
        self.compared += 1
        return answer.status_code, _blanked(text, identifier)


def _page_url(name: str, route: str, rule: Rule):
    params = re.findall(r"<(?:\w+:)?(\w+)>", route)
    fixed = dict(rule.fixed)

    def url_for(identifier: str | None) -> str:
        kwargs = dict(fixed)
        for param in params:
            if param not in fixed:
                kwargs[param] = TOKEN_VALUES[param] if identifier == TOKEN else identifier
        return reverse(name, kwargs=kwargs)

    return url_for


def _api_url(path: str):
    def url_for(identifier: str | None) -> str:
        return re.sub(r"\{\w+\}", lambda _: quote(identifier or "", safe=""), path)

    return url_for


@pytest.mark.slow
@pytest.mark.parametrize("principal", PRINCIPALS, ids=lambda p: p.name)
def test_pages_keep_every_principal_to_its_own(world, estate, principal):
    walker = Walker(world, estate, principal, api=False)
    routes = sorted(_page_routes(get_resolver().url_patterns), key=lambda r: r[0] == "logout")
    for name, route in routes:
        if name is None:
            continue  # the API's routes: the schema walk below
        rule = PAGES[name]
        walker.route(f"page {name}", rule, rule.method, _page_url(name, route, rule))
    for prefix in PREFIXES:
        answer = Client().post(f"/{prefix}")
        assert answer.status_code in (302, 400, 401, 403, 404), f"/{prefix} answered {answer.status_code}"
    assert walker.problems == []
    assert walker.compared > 10


@pytest.mark.slow
@pytest.mark.parametrize("principal", PRINCIPALS, ids=lambda p: p.name)
def test_api_operations_keep_every_principal_to_its_own(world, estate, principal):
    _walk_api(Walker(world, estate, principal, api=True))


def _walk_api(walker: Walker) -> None:
    for key in sorted(_api_operations()):
        method, path = key.split(" ", 1)
        walker.route(key, API[key], method.lower(), _api_url(path))
    assert walker.problems == []
    assert walker.compared > 40


# The same walks with the application role on the connection (tests/test_row_level_security.py):
# every page and operation still answers as the table says when PostgreSQL enforces the tenant too.
RLS_PRINCIPALS = [p for p in PRINCIPALS if p.name in ("anonymous", "merchant_a2", "partner_a1", "manager_a", "admin_b")]


@pytest.mark.slow
@pytest.mark.parametrize("principal", RLS_PRINCIPALS, ids=lambda p: p.name)
def test_pages_under_row_level_security(world, estate, principal, as_app):
    test_pages_keep_every_principal_to_its_own(world, estate, principal)


@pytest.mark.slow
@pytest.mark.parametrize("principal", RLS_PRINCIPALS, ids=lambda p: p.name)
def test_api_operations_under_row_level_security(world, estate, principal, as_app):
    with rls.cross_tenant("the walk makes the principal's API key"):
        walker = Walker(world, estate, principal, api=True)
    _walk_api(walker)
