"""/api/v1/ routes of cases and their reference data, escalations, alerts, exports and SLA quotes."""

from __future__ import annotations

from django.urls import path

from tickets.api import notification_views as notifications
from tickets.api import sla_views as sla
from tickets.api import views as cases

urlpatterns = [
    path("plans/", cases.PlanListView.as_view()),
    path("priorities/", cases.PriorityListView.as_view()),
    path("sla/quote", sla.QuoteView.as_view()),
    path("cases/", cases.CaseListView.as_view()),
    path("cases/<str:number>/", cases.CaseDetailView.as_view()),
    path("cases/<str:number>/sla/", sla.CaseSlaView.as_view()),
    path("cases/<str:number>/comments/", cases.CaseCommentsView.as_view()),
    path("cases/<str:number>/attachments/", cases.CaseAttachmentsView.as_view()),
    path("cases/<str:number>/events/", cases.CaseEventsView.as_view()),
    path("cases/<str:number>/assign/", cases.CaseAssignView.as_view()),
    path("cases/<str:number>/reassign/", cases.CaseReassignView.as_view()),
    path("cases/<str:number>/request-information/", cases.CaseRequestInformationView.as_view()),
    path("cases/<str:number>/resolve/", cases.CaseResolveView.as_view()),
    path("cases/<str:number>/close/", cases.CaseCloseView.as_view()),
    path("cases/<str:number>/confirm/", cases.CaseConfirmView.as_view()),
    path("cases/<str:number>/request-closure/", cases.CaseRequestClosureView.as_view()),
    path("cases/<str:number>/confirm-closure/", cases.CaseConfirmClosureView.as_view()),
    path("cases/<str:number>/reopen/", cases.CaseReopenView.as_view()),
    path("cases/<str:number>/escalate/", cases.CaseEscalateView.as_view()),
    path("cases/<str:number>/calls/", cases.CaseLogCallView.as_view()),
    path("cases/<str:number>/engineering-issues/", cases.CaseLinkEngineeringView.as_view()),
    path("attachments/<str:token>/", cases.AttachmentDownloadView.as_view()),
    path("escalations/", cases.EscalationListView.as_view()),
    path("escalations/<int:pk>/acknowledge/", cases.EscalationAcknowledgeView.as_view()),
    path("escalations/<int:pk>/resolve/", cases.EscalationResolveView.as_view()),
    path("engineering-issues/<path:reference>/state/", cases.EngineeringIssueStateView.as_view()),
    path("notifications/", notifications.NotificationListView.as_view()),
    path("notifications/<int:pk>/read/", notifications.NotificationReadView.as_view()),
    path("alerts/", cases.AlertView.as_view()),
    path("export/cases/", cases.ExportCasesView.as_view()),
    path("export/events/", cases.ExportEventsView.as_view()),
]
