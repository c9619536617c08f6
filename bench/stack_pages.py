"""What bench/stack.py measures, found in the prepared database by query: the heavy tenant
(`storeconnect`), its analyst, manager and a merchant, values for every queue filter, sample
cases (open ones for the workspace and PATCH, any for retrieve), and the pages themselves.
"""

from __future__ import annotations

import html
import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from bench.httpclient import Call, Client, Picker, json_call

HEAVY_TENANT = "storeconnect"
SAMPLE = 200
NEXT_PAGE = re.compile(r'href="([^"]*)" data-testid="next-page"')
NEXT_QUERY = re.compile(r"\?(.*)$")


@dataclass
class Subjects:
    tenant_pk: int
    tenant_slug: str
    cases: int
    analyst: str
    manager: str
    merchant: str
    open_numbers: list[str]
    any_numbers: list[str]
    filters: dict[str, str]
    priority_name: str
    depth: int
    keys: dict[str, str] = field(default_factory=dict)
    key_ids: list[int] = field(default_factory=list)

    def emails(self) -> list[str]:
        return [self.analyst, self.manager, self.merchant]

    def forget_keys(self) -> None:
        from helpdesk import rls
        from helpdesk.models import ApiKey

        with rls.cross_tenant("the stack bench deletes its keys"):
            ApiKey.objects.filter(pk__in=self.key_ids).delete()


@dataclass
class Page:
    name: str
    who: str
    path: str
    client: Client
    pick: Picker
    ok: frozenset[int] = frozenset({200})


def _user(tenant: Any, role: str, preferred: str) -> Any:
    from helpdesk.models import User

    users = User.objects.filter(tenant=tenant, role=role, is_active=True)
    found = users.filter(email=preferred).first() or users.order_by("pk").first()
    if found is None:
        raise SystemExit(f"the tenant {tenant.slug} has no active {role}")
    return found


def _usable_password(users: list[Any], password: str) -> None:
    """Data made under the test settings has MD5 hashes, which production does not read: hash the
    password again with production's hasher (PBKDF2) for the users the bench signs in as."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from helpdesk.models import User

    hasher = PBKDF2PasswordHasher()
    for user in users:
        if user.password.startswith("md5$"):
            User.objects.filter(pk=user.pk).update(password=hasher.encode(password, hasher.salt()))


def _numbers(tenant: Any, *, open_only: bool) -> list[str]:
    from django.db import connection

    status = "AND status NOT IN ('closed', 'resolved')" if open_only else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT number FROM tickets_case WHERE tenant_id = %s {status} ORDER BY random() LIMIT %s",  # noqa: S608  # nosec B608  # fixed text
            [tenant.pk, SAMPLE],
        )
        return [row[0] for row in cursor.fetchall()]


def discover(password: str, depth: int = 200) -> Subjects:
    from helpdesk import rls
    from helpdesk.models import Role, Tenant
    from helpdesk.services import api_key_create
    from tickets.models import Case, Plan, Priority

    with rls.cross_tenant("the stack bench finds its principals and samples"):
        tenant = Tenant.objects.get(slug=HEAVY_TENANT)
        analyst = _user(tenant, Role.ANALYST, f"analyst@{HEAVY_TENANT}.test")
        manager = _user(tenant, Role.MANAGER, f"manager@{HEAVY_TENANT}.test")
        merchant = _user(tenant, Role.MERCHANT, "merchant@harbour-homewares.test")
        _usable_password([analyst, manager, merchant], password)
        priorities = list(Priority.objects.filter(tenant=tenant).order_by("rank"))
        plan = Plan.objects.filter(tenant=tenant).order_by("pk").first()
        open_numbers, any_numbers = _numbers(tenant, open_only=True), _numbers(tenant, open_only=False)
        if not open_numbers or not priorities:
            raise SystemExit(f"the tenant {HEAVY_TENANT} has no open cases or no priorities to measure")
        subject = Case.objects.filter(number=open_numbers[0]).values_list("subject", flat=True).first() or ""
        word = max(subject.split(), key=len, default="case")
        filters = {
            "mine": "owner=me",
            "unassigned": "owner=unassigned",
            "at risk": "sla=at_risk",
            "breached": "sla=breached",
            "subject word": f"q={word}",
            "case number": f"q={open_numbers[0]}",
            "status open": "status=open",
            "priority": f"priority={priorities[0].pk}",
            "analyst": f"assignee={analyst.pk}",
            "account": f"account={merchant.account.slug if merchant.account else ''}",
            "plan": f"plan={plan.pk if plan else ''}",
            "escalated": "escalated=yes",
            "not escalated": "escalated=no",
            "opened over 30 days ago": "age=over_30d",
            "sorted by next deadline": "sort=due",
        }
        subjects = Subjects(
            tenant_pk=tenant.pk,
            tenant_slug=tenant.slug,
            cases=Case.objects.filter(tenant=tenant).count(),
            analyst=analyst.email,
            manager=manager.email,
            merchant=merchant.email,
            open_numbers=open_numbers,
            any_numbers=any_numbers,
            filters=filters,
            # A middle priority for API creates: not the urgent one that escalates on opening.
            priority_name=priorities[len(priorities) // 2].name,
            depth=depth,
        )
        for user in (analyst, merchant):
            key, raw = api_key_create(user=user, name="bench stack")
            subjects.keys[user.email], subjects.key_ids = raw, [*subjects.key_ids, key.pk]
    return subjects


def deep_queue(client: Client, depth: int) -> tuple[str, int]:
    """The queue's page `depth` by its own next links (or the last page, when there are fewer)."""
    path, page = "/queue/", 1
    while page < depth:
        answer = client.get(path)
        found = NEXT_PAGE.search(answer.text)
        if answer.status != 200 or found is None:
            break
        query = NEXT_QUERY.search(html.unescape(found.group(1)))
        path, page = f"/queue/?{query.group(1) if query else ''}", page + 1
    return path, page


def _cycle(template: str, numbers: list[str]) -> Picker:
    def pick(client: int, n: int) -> Call:
        return Call(template.format(numbers[(client * 37 + n) % len(numbers)]))

    return pick


def _fixed(path: str) -> Picker:
    def pick(client: int, n: int) -> Call:
        return Call(path)

    return pick


def _api_writes(subjects: Subjects) -> tuple[Picker, Picker]:
    run = secrets.token_hex(3)

    def create(client: int, n: int) -> Call:
        body = {"subject": f"Bench stack {run} {client}-{n}", "description": "Checkout fails at the payment step.",
                "priority": subjects.priority_name}  # fmt: skip
        return json_call("/api/v1/cases/", "POST", json.dumps(body).encode())

    def patch(client: int, n: int) -> Call:
        number = subjects.open_numbers[(client * 37 + n) % len(subjects.open_numbers)]
        body = {"business_impact": f"Orders delayed (bench {run} {client}-{n})."}
        return json_call(f"/api/v1/cases/{number}/", "PATCH", json.dumps(body).encode())

    return create, patch


def pages(subjects: Subjects, sessions: dict[str, Client], keys: dict[str, Client]) -> list[Page]:
    analyst, manager, merchant = (sessions[email] for email in subjects.emails())
    open_numbers, satisfaction, retrieve = subjects.open_numbers, "/reports/satisfaction/", "/api/v1/cases/{}/"
    deep_path, reached = deep_queue(analyst, subjects.depth)
    listed: list[Page] = [
        Page("queue: first page", subjects.analyst, "/queue/", analyst, _fixed("/queue/")),
        Page(f"queue: page {reached}", subjects.analyst, deep_path, analyst, _fixed(deep_path)),
    ]
    for name, query in subjects.filters.items():
        listed.append(Page(f"queue: {name}", subjects.analyst, f"/queue/?{query}", analyst, _fixed(f"/queue/?{query}")))
    listed += [
        Page("all cases", subjects.analyst, "/cases/", analyst, _fixed("/cases/")),
        Page("case workspace", subjects.analyst, "/cases/<open>/", analyst, _cycle("/cases/{}/", open_numbers)),
        Page("portal", subjects.merchant, "/portal/", merchant, _fixed("/portal/")),
        Page("dashboard", subjects.manager, "/dashboard/", manager, _fixed("/dashboard/")),
        Page("report: SLA compliance", subjects.manager, "/reports/sla/", manager, _fixed("/reports/sla/")),
        Page("report: satisfaction", subjects.manager, "/reports/satisfaction/", manager, _fixed(satisfaction)),
    ]
    api, merchant_api = keys[subjects.analyst], keys[subjects.merchant]
    create, patch = _api_writes(subjects)
    listed += [
        Page("api: list", subjects.analyst, "/api/v1/cases/", api, _fixed("/api/v1/cases/")),
        Page("api: retrieve", subjects.analyst, "/api/v1/cases/<any>/", api, _cycle(retrieve, subjects.any_numbers)),
        Page("api: create", subjects.merchant, "POST /api/v1/cases/", merchant_api, create, frozenset({201})),
        Page("api: PATCH", subjects.analyst, "PATCH /api/v1/cases/<open>/", api, patch),
    ]
    return listed
