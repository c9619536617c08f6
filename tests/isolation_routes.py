"""Who may use each route, and what object its URL names: the isolation matrix's one table.

`tests/test_isolation_matrix.py` walks the URL resolver (every page) and the OpenAPI schema
(every operation) and fails on a route that is not classified here, or on an entry here that
names no route any more. Add a row when you add a route: the roles come from `helpdesk.roles`.

- `roles`: the role set that gets the route; `PUBLIC` for anyone, signed in or not (sign-in,
  password reset, the survey link, the API's schema); `SIGNED_IN` for every tenant user.
- `target`: what the URL's argument names, so the matrix can aim it at the principal's own
  object, another account's, another tenant's and a missing one: `case` (a case number),
  `escalation` (its id), `attachment` (its token), `reference` (an engineering issue), `store` (its id),
  `notification` (its id; each staff principal's own is its own notification), `canned_reply`,
  `staff_member` (a staff user's id), `account` (a merchant account's id), `priority`, `plan`,
  `partner` (a partner user's id), `merchant_user` (a merchant user's id: the account's technical contact),
  `calendar` (a business calendar's id), `sla_version` (an SLA policy version's id), or
  `TOKEN` for capability links (a survey token, a password-reset token), tried only missing.
- `method`: how a page is requested (`post` for pages that only act); API operations carry
  their own method in the key.
"""

from __future__ import annotations

from dataclasses import dataclass

from helpdesk.roles import ACCOUNT_HOLDER_ROLES, ADMIN_ROLES, MANAGING_ROLES, MERCHANT_ROLES, STAFF_ROLES, Role

PUBLIC = "public"
SIGNED_IN = frozenset(Role)
TOKEN = "token"  # nosec B105  # a kind of URL argument, not a secret


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str] | str
    target: str | None = None
    method: str = "get"
    # Path arguments that are not the target (e.g. which action), fixed for the walk.
    fixed: tuple[tuple[str, str], ...] = ()


# Pages, by URL name (the resolver's walk). Prefixes below cover third-party route sets.
PAGES: dict[str, Rule] = {
    "home": Rule(PUBLIC),
    "tenant-settings": Rule(ADMIN_ROLES),
    "settings-api-keys": Rule(ADMIN_ROLES),
    "settings-webhooks": Rule(ADMIN_ROLES),
    "settings-history": Rule(ADMIN_ROLES),
    "settings-branding": Rule(ADMIN_ROLES),
    "brand-logo": Rule(SIGNED_IN),
    "settings-accounts": Rule(ADMIN_ROLES),
    "settings-account-new": Rule(ADMIN_ROLES),
    "settings-account": Rule(ADMIN_ROLES, "account"),
    "settings-account-users": Rule(ADMIN_ROLES, "account"),
    "settings-merchant-user": Rule(ADMIN_ROLES, "merchant_user", "post"),
    "settings-partners": Rule(ADMIN_ROLES),
    "settings-partner": Rule(ADMIN_ROLES, "partner"),
    "settings-assignment": Rule(ADMIN_ROLES),
    "settings-priorities": Rule(ADMIN_ROLES),
    "settings-plans": Rule(ADMIN_ROLES),
    "settings-priority-remove": Rule(ADMIN_ROLES, "priority"),
    "settings-plan-remove": Rule(ADMIN_ROLES, "plan"),
    "settings-store-remove": Rule(ADMIN_ROLES, "store"),
    "settings-staff": Rule(ADMIN_ROLES),
    "settings-staff-member": Rule(ADMIN_ROLES, "staff_member"),
    "portal": Rule(MERCHANT_ROLES),
    "queue": Rule(STAFF_ROLES),
    "queue-bulk": Rule(STAFF_ROLES, None, "post"),
    "escalations": Rule(MANAGING_ROLES),
    "escalation-action": Rule(MANAGING_ROLES, "escalation", "post", (("action", "acknowledge"),)),
    "sla-targets": Rule(ADMIN_ROLES),
    "sla-review": Rule(ADMIN_ROLES),
    "sla-version": Rule(ADMIN_ROLES, "sla_version"),
    "settings-calendars": Rule(ADMIN_ROLES),
    "settings-calendar-new": Rule(ADMIN_ROLES),
    "settings-calendar": Rule(ADMIN_ROLES, "calendar"),
    "notifications": Rule(STAFF_ROLES),
    "notification-bell": Rule(STAFF_ROLES),
    "notifications-read-all": Rule(STAFF_ROLES, None, "post"),
    "notification-settings": Rule(STAFF_ROLES),
    "profile": Rule(SIGNED_IN),
    "notification-read": Rule(STAFF_ROLES, "notification", "post"),
    "canned-replies": Rule(MANAGING_ROLES),
    "canned-reply": Rule(MANAGING_ROLES, "canned_reply"),
    "canned-reply-remove": Rule(MANAGING_ROLES, "canned_reply", "post"),
    "attachment-download": Rule(SIGNED_IN, "attachment"),
    "case-list": Rule(SIGNED_IN),
    "case-new": Rule(MERCHANT_ROLES),
    "case-log-call": Rule(STAFF_ROLES),
    "case-detail": Rule(SIGNED_IN, "case"),
    "case-action": Rule(SIGNED_IN, "case", "post", (("action", "comment"),)),
    "engineering-issue-state": Rule(STAFF_ROLES, "reference", "post"),
    "case-confirm": Rule(MERCHANT_ROLES, "case", "post"),
    "case-reopen": Rule(MERCHANT_ROLES, "case", "post"),
    "sla-compliance": Rule(MANAGING_ROLES),
    "survey": Rule(PUBLIC, TOKEN),
    "satisfaction-report": Rule(MANAGING_ROLES),
    "dashboard": Rule(MANAGING_ROLES),
    "account-sla": Rule(SIGNED_IN),
    "account": Rule(ACCOUNT_HOLDER_ROLES),
    "brand-css": Rule(PUBLIC),
    "shell-counts": Rule(SIGNED_IN),
    "support-policy-find": Rule(PUBLIC),
    "support-policy": Rule(PUBLIC, fixed=(("tenant_slug", "tenant-a"),)),
    "store-detail": Rule(SIGNED_IN, "store"),
    "dashboard-hand-over": Rule(MANAGING_ROLES, "case", "post"),
    "login": Rule(PUBLIC),
    "logout": Rule(PUBLIC, method="post"),
    "password_reset": Rule(PUBLIC),
    "password_reset_done": Rule(PUBLIC),
    "password_reset_confirm": Rule(PUBLIC, TOKEN),
    "password_reset_complete": Rule(PUBLIC),
    "api-schema": Rule(PUBLIC),
    "api-docs": Rule(PUBLIC),
}

# Route sets classified as a whole, by prefix: the scoped Django admin (its own tests:
# helpdesk/tests/test_admin*.py) and django-anymail's provider webhooks (basic auth, inbound
# and tracking tests). The matrix checks that neither answers a request without credentials.
PREFIXES: dict[str, str] = {
    "admin/": "the Django admin: staff sign-in, scoped by TenantScopedAdmin",
    "anymail/": "the mail provider's webhooks: refused without the webhook secret",
}

# API operations, by "METHOD path" as the OpenAPI schema names them.
API: dict[str, Rule] = {
    "GET /api/v1/accounts/": Rule(STAFF_ROLES),
    "GET /api/v1/plans/": Rule(STAFF_ROLES),
    "GET /api/v1/priorities/": Rule(SIGNED_IN),
    "GET /api/v1/sla/quote": Rule(STAFF_ROLES),
    "GET /api/v1/cases/": Rule(SIGNED_IN),
    "POST /api/v1/cases/": Rule(SIGNED_IN),
    "GET /api/v1/cases/{number}/": Rule(SIGNED_IN, "case"),
    "PATCH /api/v1/cases/{number}/": Rule(SIGNED_IN, "case"),
    "GET /api/v1/cases/{number}/sla/": Rule(SIGNED_IN, "case"),
    "GET /api/v1/cases/{number}/comments/": Rule(SIGNED_IN, "case"),
    "POST /api/v1/cases/{number}/comments/": Rule(SIGNED_IN, "case"),
    "GET /api/v1/cases/{number}/attachments/": Rule(SIGNED_IN, "case"),
    "POST /api/v1/cases/{number}/attachments/": Rule(SIGNED_IN, "case"),
    "GET /api/v1/cases/{number}/events/": Rule(SIGNED_IN, "case"),
    "POST /api/v1/cases/{number}/assign/": Rule(STAFF_ROLES, "case"),
    "POST /api/v1/cases/{number}/reassign/": Rule(STAFF_ROLES, "case"),
    "POST /api/v1/cases/{number}/request-information/": Rule(STAFF_ROLES, "case"),
    "POST /api/v1/cases/{number}/resolve/": Rule(STAFF_ROLES, "case"),
    "POST /api/v1/cases/{number}/close/": Rule(STAFF_ROLES, "case"),
    "POST /api/v1/cases/{number}/confirm/": Rule(MERCHANT_ROLES, "case"),
    "POST /api/v1/cases/{number}/request-closure/": Rule(MERCHANT_ROLES, "case"),
    "POST /api/v1/cases/{number}/confirm-closure/": Rule(STAFF_ROLES, "case"),
    "POST /api/v1/cases/{number}/reopen/": Rule(SIGNED_IN, "case"),
    "POST /api/v1/cases/{number}/escalate/": Rule(SIGNED_IN, "case"),
    "POST /api/v1/cases/{number}/calls/": Rule(STAFF_ROLES, "case"),
    "GET /api/v1/notifications/": Rule(STAFF_ROLES),
    "POST /api/v1/notifications/{id}/read/": Rule(STAFF_ROLES, "notification"),
    "POST /api/v1/cases/{number}/engineering-issues/": Rule(STAFF_ROLES, "case"),
    "GET /api/v1/attachments/{token}/": Rule(SIGNED_IN, "attachment"),
    "GET /api/v1/escalations/": Rule(SIGNED_IN),
    "POST /api/v1/escalations/{id}/acknowledge/": Rule(MANAGING_ROLES, "escalation"),
    "POST /api/v1/escalations/{id}/resolve/": Rule(MANAGING_ROLES, "escalation"),
    "POST /api/v1/engineering-issues/{reference}/state/": Rule(STAFF_ROLES, "reference"),
    "POST /api/v1/alerts/": Rule(SIGNED_IN),
    "GET /api/v1/export/cases/": Rule(STAFF_ROLES),
    "GET /api/v1/export/events/": Rule(STAFF_ROLES),
    "GET /api/v1/surveys/responses/": Rule(MANAGING_ROLES),
    "GET /api/v1/surveys/report/": Rule(MANAGING_ROLES),
    "GET /api/v1/reports/dashboard/": Rule(MANAGING_ROLES),
    "GET /api/v1/reports/account-sla/": Rule(SIGNED_IN),
    "GET /api/v1/stores/": Rule(ADMIN_ROLES),
    "POST /api/v1/stores/": Rule(ADMIN_ROLES),
    "GET /api/v1/stores/{store_id}/": Rule(ADMIN_ROLES, "store"),
    "PATCH /api/v1/stores/{store_id}/": Rule(ADMIN_ROLES, "store"),
}
