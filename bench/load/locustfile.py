"""Who does what in the load run (bench/load/run.py starts it headless).

Merchants (signed-in sessions) open cases and comment on them; analysts take cases from the
queue, reply and propose the resolution; API clients create cases with an Idempotency-Key and
send each one twice, as a client retrying after a lost answer does. Every write the server
accepted is written to LOAD_JOURNAL (one JSON line each) with its unique token, so that the run
can check afterwards that each is in the history exactly once. Statuses are counted too.
"""

from __future__ import annotations

import json
import os
import random
import re
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task

PRINCIPALS: dict[str, list[dict[str, str]]] = json.loads(Path(os.environ["LOAD_PRINCIPALS"]).read_text())
JOURNAL = open(os.environ["LOAD_JOURNAL"], "a", buffering=1)  # noqa: SIM115  # open for the whole run
STATUSES: Counter = Counter()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
NUMBER = re.compile(r'href="/cases/([A-Z]+-\d+)/"')
FORM = {
    "category": "incident",
    "description": "Orders stopped syncing at 10:00.",
    "steps_to_reproduce": "Place an order.",
    "recent_changes": "None.",
    "business_impact": "Orders ship late.",
}


@events.request.add_listener
def _count(response: Any = None, exception: Any = None, **_: Any) -> None:
    STATUSES[str(getattr(response, "status_code", 0) or "error")] += 1


@events.quitting.add_listener
def _write_statuses(**_: Any) -> None:
    Path(os.environ["LOAD_STATUSES"]).write_text(json.dumps(STATUSES))


def journal(kind: str, **fields: str) -> None:
    JOURNAL.write(json.dumps({"kind": kind, **fields}) + "\n")


def token() -> str:
    return uuid.uuid4().hex[:16]


class PageUser(HttpUser):
    abstract = True
    wait_time = between(0.5, 2)
    role = ""

    def on_start(self) -> None:
        me = random.choice(PRINCIPALS[self.role])  # nosec B311  # picks a simulated user's next case, not a secret
        self.client.cookies.set("sessionid", me["session"])
        self.priority = me.get("priority", "")

    def _csrf(self, html: str) -> str:
        found = CSRF.search(html)
        return found.group(1) if found else ""

    def act(self, number: str, action: str, data: dict[str, str]) -> bool:
        """Send one case-page action with the version the page showed; True if accepted."""
        page = self.client.get(f"/cases/{number}/", name="/cases/[number]/")
        version = VERSION.search(page.text)
        if page.status_code != 200 or version is None:
            return False
        form = {"csrfmiddlewaretoken": self._csrf(page.text), "version": version.group(1), **data}
        with self.client.post(
            f"/cases/{number}/do/{action}/",
            data=form,
            name=f"/cases/[number]/do/{action}/",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code in (400, 409):
                answer.success()  # refused (stale version, not allowed now): refused, not lost
            return answer.status_code == 302


class Merchant(PageUser):
    weight = 5
    role = "merchant"

    @task(2)
    def open_case(self) -> None:
        page = self.client.get("/cases/new/")
        mark = token()
        form = {**FORM, "csrfmiddlewaretoken": self._csrf(page.text), "subject": f"Load {mark}"}
        form["priority"] = self.priority
        answer = self.client.post("/cases/new/", data=form, allow_redirects=False)
        if answer.status_code == 302:
            journal("case", token=mark)

    @task(5)
    def comment(self) -> None:
        portal = self.client.get("/portal/")
        numbers = NUMBER.findall(portal.text)
        if numbers:
            mark = token()
            if self.act(random.choice(numbers), "comment", {"body": f"More detail {mark}"}):  # nosec B311  # picks a simulated user's next case, not a secret
                journal("comment", token=mark)


class Analyst(PageUser):
    weight = 3
    role = "analyst"

    @task
    def work_a_case(self) -> None:
        queue = self.client.get("/queue/")
        numbers = NUMBER.findall(queue.text)
        if not numbers:
            return
        number = random.choice(numbers[:20])  # nosec B311  # picks a simulated user's next case, not a secret
        # "sent" first: a request still in flight when the run stops may land without its answer
        # reaching us, and the check must not call that event a duplicate.
        journal("take_sent", case=number)
        if self.act(number, "take", {}):
            journal("take", case=number)
        mark = token()
        if self.act(number, "comment", {"body": f"Looking at it {mark}"}):
            journal("comment", token=mark)
        mark = token()
        journal("resolve_sent", case=number)
        if self.act(number, "resolve", {"message": f"Fixed {mark}"}):
            journal("resolve", token=mark, case=number)


class ApiClient(HttpUser):
    weight = 2
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        me = random.choice(PRINCIPALS["api"])  # nosec B311  # picks a simulated user's next case, not a secret
        self.client.headers["Authorization"] = f"Bearer {me['key']}"
        self.priority = me["priority"]

    @task
    def create_twice(self) -> None:
        mark = token()
        body = {"subject": f"API load {mark}", "description": "Checkout fails.", "priority": self.priority}
        headers = {"Idempotency-Key": f"load-{mark}"}
        first = self.client.post("/api/v1/cases/", json=body, headers=headers, name="/api/v1/cases/ (create)")
        if first.status_code != 201:
            return
        journal("case", token=mark, number=first.json()["number"])  # now: the run may end before the retry
        again = self.client.post("/api/v1/cases/", json=body, headers=headers, name="/api/v1/cases/ (retry)")
        if again.status_code in (200, 201):
            journal("retry", token=mark, number=first.json()["number"], again=again.json().get("number", ""))
