"""/api/v1/ routes of cases and their reference data, escalations, alerts, exports and SLA quotes."""

from __future__ import annotations

from django.urls import path

from tickets.api import account_report
from tickets.api import notification_views as notifications
from tickets.api.views import actions, alerts, cases, conversation, engineering, escalations, export, reference, sla

urlpatterns = [
    path("plans/", reference.PlanListView.as_view()),
    path("priorities/", reference.PriorityListView.as_view()),
    path("sla/quote", sla.QuoteView.as_view()),
    path("cases/", cases.CaseListView.as_view()),
    path("cases/<str:number>/", cases.CaseDetailView.as_view()),
    path("cases/<str:number>/sla/", sla.CaseSlaView.as_view()),
    path("cases/<str:number>/comments/", conversation.CaseCommentsView.as_view()),
    path("cases/<str:number>/attachments/", conversation.CaseAttachmentsView.as_view()),
    path("cases/<str:number>/events/", conversation.CaseEventsView.as_view()),
    path("cases/<str:number>/assign/", actions.CaseAssignView.as_view()),
    path("cases/<str:number>/reassign/", actions.CaseReassignView.as_view()),
    path("cases/<str:number>/request-information/", actions.CaseRequestInformationView.as_view()),
    path("cases/<str:number>/resolve/", actions.CaseResolveView.as_view()),
    path("cases/<str:number>/close/", actions.CaseCloseView.as_view()),
    path("cases/<str:number>/confirm/", actions.CaseConfirmView.as_view()),
    path("cases/<str:number>/request-closure/", actions.CaseRequestClosureView.as_view()),
    path("cases/<str:number>/confirm-closure/", actions.CaseConfirmClosureView.as_view()),
    path("cases/<str:number>/reopen/", actions.CaseReopenView.as_view()),
    path("cases/<str:number>/escalate/", actions.CaseEscalateView.as_view()),
    path("cases/<str:number>/calls/", actions.CaseLogCallView.as_view()),
    path("cases/<str:number>/engineering-issues/", actions.CaseLinkEngineeringView.as_view()),
    path("attachments/<str:token>/", conversation.AttachmentDownloadView.as_view()),
    path("escalations/", escalations.EscalationListView.as_view()),
    path("escalations/<int:pk>/acknowledge/", escalations.EscalationAcknowledgeView.as_view()),
    path("escalations/<int:pk>/resolve/", escalations.EscalationResolveView.as_view()),
    path("engineering-issues/<path:reference>/state/", engineering.EngineeringIssueStateView.as_view()),
    path("notifications/", notifications.NotificationListView.as_view()),
    path("notifications/<int:pk>/read/", notifications.NotificationReadView.as_view()),
    path("alerts/", alerts.AlertView.as_view()),
    path("reports/account-sla/", account_report.AccountSlaView.as_view()),
    path("export/cases/", export.ExportCasesView.as_view()),
    path("export/events/", export.ExportEventsView.as_view()),
]
