"""The app shell's live counts (nav badges and the queue's tiles), fetched by htmx on load and
every minute, so the pages themselves pay nothing for them."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from helpdesk.tenancy import ScopedRequest, require_scope
from tickets.selectors import shell_counts


@require_scope()
def shell_counts_view(request: ScopedRequest) -> HttpResponse:
    context = {"counts": shell_counts(scope=request.scope), "tiles": request.GET.get("tiles") == "1"}
    response = render(request, "components/shell_counts.html", context)
    response["Cache-Control"] = "no-store"
    return response
