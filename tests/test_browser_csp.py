"""Every page works under the Content-Security-Policy: a real browser loads each role's pages and
the API documentation, sees the policy on every answer, runs the pages' scripts, and reports no
violation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from surveys.services import invitation_token
from tests.support.browser import browser_page, sign_in
from tickets.services import case_confirm_resolution, case_propose_resolution, comment_add
from tickets.tests.factories import open_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Playwright's init scripts run outside the page's policy, so this listener itself is not refused.
LISTEN = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.reportCsp(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} on ${location.pathname}`);
});
"""


def _pages_by_role(world, setup_a) -> dict[str | None, list[str]]:
    now = timezone.now()
    case = open_case(world.account_a1, setup_a.normal, at=now - timedelta(hours=3))
    comment_add(case=case, actor=world.analyst_a, body="Looking into it.", public=True)
    closed = open_case(world.account_a1, setup_a.normal, at=now - timedelta(hours=3), subject="Old one")
    case_propose_resolution(case=closed, actor=world.analyst_a, summary="Fixed", at=now - timedelta(hours=2))
    case_confirm_resolution(case=closed, actor=world.merchant_a1, at=now - timedelta(hours=1))
    invitation = closed.survey_invitations.get()
    return {
        None: ["/login/", "/password-reset/", f"/survey/{invitation_token(invitation)}/"],
        world.merchant_a1.email: ["/portal/", "/cases/", f"/cases/{case.number}/"],
        world.analyst_a.email: ["/queue/", f"/cases/{case.number}/", "/cases/log-call/"],
        world.manager_a.email: ["/dashboard/", "/escalations/", "/reports/sla/", "/reports/satisfaction/"],
        world.admin_a.email: [
            "/settings/",
            "/settings/sla/",
            "/settings/api-keys/",
            "/settings/webhooks/",
            "/admin/",
            "/admin/tickets/priority/",
            "/admin/tickets/priority/add/",
        ],
    }


def test_every_page_and_the_api_docs_work_under_the_policy(live_server, world, setup_a):
    world.tenant_a.support_phone_numbers = ["1-800-555-0100"]
    world.tenant_a.save()
    pages = _pages_by_role(world, setup_a)
    base = live_server.url
    violations: list[str] = []
    with browser_page() as page:
        page.expose_binding("reportCsp", lambda _source, text: violations.append(text))
        page.add_init_script(LISTEN)
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)

        def visit(path: str) -> None:
            response = page.goto(f"{base}{path}")
            assert response is not None and response.status == 200, (path, response and response.status)
            policy = response.headers.get("content-security-policy", "")
            assert "script-src 'self'" in policy and "style-src 'self'" in policy, (path, policy)
            assert "unsafe-inline" not in policy
            page.wait_for_load_state("networkidle")
            assert violations == [], path

        for email, paths in pages.items():
            page.context.clear_cookies()
            if email:
                sign_in(page, base, email, world.password)
                page.wait_for_load_state("networkidle")
            for path in paths:
                visit(path)

        # The portal form's script (a static file now) still shows the phone numbers.
        page.context.clear_cookies()
        sign_in(page, base, world.merchant_a1.email, world.password)
        visit("/cases/new/")
        note = page.get_by_test_id("phone-note")
        assert not note.is_visible()
        page.check("text=Urgent (also call us)")
        assert note.is_visible()

        # Swagger UI starts from its own script URL and renders the schema's operations.
        visit("/api/v1/docs/")
        page.wait_for_selector(".swagger-ui .opblock")
        assert "Helpdesk API" in page.locator(".swagger-ui .info").inner_text()
        page.wait_for_load_state("networkidle")
    assert violations == []
