"""/api/v1/: the REST API, its OpenAPI schema and interactive documentation. Each app's routes are
included by name, so the platform imports no app above it."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from helpdesk.api import views as platform

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script from its own URL (?script) rather than
    # inline, so the Content-Security-Policy needs no 'unsafe-inline'.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    path("accounts/", platform.AccountListView.as_view()),
    path("", include("tickets.api.urls")),
    path("", include("surveys.api.urls")),
    path("", include("reports.api.urls")),
]
