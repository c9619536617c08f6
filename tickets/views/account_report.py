"""The customer SLA report page: an account's attainment by month and priority."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from helpdesk.errors import NotFound, ValidationFailed
from helpdesk.selectors import account_list
from helpdesk.tenancy import ScopedRequest, require_scope
from tickets.account_report import account_sla_report, report_account, report_months, report_since


@require_scope()
def account_sla(request: ScopedRequest) -> HttpResponse:
    scope = request.scope
    accounts = list(account_list(scope=scope))
    slug = request.GET.get("account") or (None if scope.account else (accounts[0].slug if accounts else None))
    if slug is None and scope.account is None:
        raise NotFound("There is no account to report on yet.")
    try:
        account = report_account(scope, slug)
    except ValidationFailed:
        raise NotFound("No such account.") from None
    try:
        months = report_months(request.GET.get("months"))
    except ValidationFailed:
        months = report_months(None)
    since = report_since(account, timezone.now(), months)
    rows = account_sla_report(scope=scope, account=account, since=since)
    context = {"account": account, "accounts": accounts, "rows": rows, "months": months}
    return render(request, "tickets/account_sla.html", context)
