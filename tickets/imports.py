"""Importing cases from another helpdesk: every row checked first, all written or none."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.db import transaction

from helpdesk.models import Account, Tenant, User
from tickets.models import Case, CaseEvent, Category, Channel, Priority, Status, work_rank

REQUIRED = ("number", "account", "subject", "description", "priority", "opened_at")
# An imported number becomes part of the case's address (/cases/<number>/), so it is kept plain.
CASE_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,23}")


@dataclass
class RowError:
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.field}: {self.message}"


@dataclass
class Checked:
    cases: list[Case] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def read_rows(path: Path) -> Iterator[dict[str, str]]:
    """Rows of a CSV file (with a header) or a JSON-lines file (one object per line)."""
    with path.open(encoding="utf-8", newline="") as handle:
        if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
            for line in handle:
                if line.strip():
                    yield {k: "" if v is None else str(v) for k, v in json.loads(line).items()}
        else:
            yield from csv.DictReader(handle)


def _time(value: str) -> datetime | None:
    moment = datetime.fromisoformat(value.strip())
    if moment.tzinfo is None:
        raise ValueError("give the time zone offset, e.g. 2024-05-01T10:00:00+10:00")
    return moment


def check_rows(*, tenant: Tenant, rows: list[dict[str, str]], source: str) -> Checked:
    """Build the cases (unsaved) and collect every problem, row by row."""
    accounts = {a.slug: a for a in Account.objects.for_tenant(tenant).select_related("technical_contact")}
    priorities = {p.name.lower(): p for p in Priority.objects.for_tenant(tenant)}
    users = {u.email.lower(): u for u in User.objects.for_tenant(tenant).filter(account__isnull=False)}
    taken = set(Case.objects.for_tenant(tenant).values_list("number", flat=True))
    checked = Checked()
    for index, row in enumerate(rows, start=2 if source == "csv" else 1):
        errors = [RowError(index, name, "required") for name in REQUIRED if not (row.get(name) or "").strip()]
        if errors:
            checked.errors += errors
            continue
        problems: list[tuple[str, str]] = []
        case = _build(tenant, row, accounts, priorities, users, problems)
        if problems:
            checked.errors += [RowError(index, name, message) for name, message in problems]
            continue
        if case.number in taken:
            checked.errors.append(
                RowError(index, "number", f"{case.number} exists already (here or earlier in the file)")
            )
            continue
        taken.add(case.number)
        checked.cases.append(case)
    return checked


def _build(
    tenant: Tenant,
    row: dict[str, str],
    accounts: dict[str, Account],
    priorities: dict[str, Priority],
    users: dict[str, User],
    problems: list[tuple[str, str]],
) -> Case:
    """The case a row describes; what is wrong with it goes into `problems`."""

    def fail(name: str, message: str) -> None:
        problems.append((name, message))

    if not CASE_NUMBER.fullmatch(row["number"].strip()):
        fail("number", "use up to 24 letters, digits, dots, dashes or underscores, starting with a letter or digit")
    account = accounts.get(row["account"].strip())
    priority = priorities.get(row["priority"].strip().lower())
    status = (row.get("status") or Status.CLOSED).strip()
    if account is None:
        fail("account", f"no account “{row['account']}”")
    if priority is None:
        fail("priority", f"no priority “{row['priority']}”")
    if status not in Status.values:
        fail("status", f"use one of {', '.join(Status.values)}")
    times: dict[str, datetime | None] = {}
    for name in ("opened_at", "resolved_at", "closed_at"):
        try:
            times[name] = _time(row[name]) if (row.get(name) or "").strip() else None
        except ValueError as error:
            fail(name, str(error))
    requester = account.technical_contact if account else None
    if (row.get("requester") or "").strip():
        requester = users.get(row["requester"].strip().lower())
        if requester is None or (account is not None and requester.account_id != account.pk):
            fail("requester", f"{row['requester']} is not a user of {row['account']}")
    category = (row.get("category") or Category.OTHER).strip()
    if category not in Category.values:
        fail("category", f"use one of {', '.join(Category.values)}")
    opened_at = times.get("opened_at")
    if problems or account is None or opened_at is None:  # a missing account or time is a problem already
        return Case()  # never saved: the row is reported instead
    return Case(
        tenant=tenant,
        account=account,
        requester=requester,
        number=row["number"].strip(),
        subject=row["subject"].strip()[:200],
        description=row["description"].strip(),
        priority=priority,
        plan_id=account.plan_id,
        category=category,
        channel=Channel.EMAIL,
        status=status,
        opened_at=opened_at,
        resolved_at=times["resolved_at"] or (times["closed_at"] if status == Status.CLOSED else None),
        closed_at=times["closed_at"],
        updated_at=times["closed_at"] or times["resolved_at"] or opened_at,
        imported_from=row.get("source", "").strip()[:60] or "import",
    )


@transaction.atomic
def import_cases(*, cases: list[Case], progress: Callable[[int], None] | None = None) -> int:
    """Write checked cases with their original numbers and times; no SLA clocks (history)."""
    for done, case in enumerate(cases, start=1):
        case.work_rank = work_rank(status=case.status, priority=case.priority)
        case.save()
        CaseEvent.objects.create(
            tenant_id=case.tenant_id,
            case=case,
            code="case.imported",
            created_at=case.opened_at,
            new={"number": case.number, "status": case.status, "from": case.imported_from},
        )
        if progress:
            progress(done)
    return len(cases)
