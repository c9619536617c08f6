"""/api/v1/ routes of survey responses and the satisfaction report."""

from __future__ import annotations

from django.urls import path

from surveys.api import views as surveys

urlpatterns = [
    path("surveys/responses/", surveys.SurveyResponsesView.as_view()),
    path("surveys/report/", surveys.SurveyReportView.as_view()),
]
