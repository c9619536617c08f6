"""A store's page: its details and the results of its health checks."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from helpdesk.selectors import store_get
from helpdesk.tenancy import ScopedRequest, require_scope


@require_scope()
def store_detail(request: ScopedRequest, store_id: int) -> HttpResponse:
    """Staff see every store of the tenant; a merchant only their account's (others answer 404)."""
    return render(request, "helpdesk/store_detail.html", {"store": store_get(scope=request.scope, store_id=store_id)})
