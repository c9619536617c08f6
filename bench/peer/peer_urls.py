"""URLs of the peer project: django-helpdesk at the root (its staff pages, login and /api/)."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [path("", include("helpdesk.urls", namespace="helpdesk"))]
