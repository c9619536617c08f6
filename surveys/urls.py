"""Survey pages: the merchant's survey and the managers' satisfaction report."""

from __future__ import annotations

from django.urls import path

from surveys import views

urlpatterns = [
    path("survey/<str:token>/", views.survey, name="survey"),
    path("reports/satisfaction/", views.report, name="satisfaction-report"),
]
