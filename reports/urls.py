"""The managers' dashboard."""

from __future__ import annotations

from django.urls import path

from reports import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/hand-over/<str:number>/", views.hand_over, name="dashboard-hand-over"),
]
