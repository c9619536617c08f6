"""Root URLs."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from helpdesk import auth_views as limited_auth_views
from helpdesk import settings_views, views
from helpdesk.forms import AdminSignInForm
from sla import views as sla_views
from surveys import views as survey_views
from tickets import views as ticket_views

admin.site.site_header = "Helpdesk administration"
admin.site.site_title = "Helpdesk admin"
admin.site.login_form = AdminSignInForm

urlpatterns = [
    path("", views.home, name="home"),
    path("portal/", views.portal, name="portal"),
    path("queue/", views.queue, name="queue"),
    path("escalations/", views.escalations, name="escalations"),
    path("escalations/<int:pk>/<slug:action>/", views.escalation_action, name="escalation-action"),
    path("settings/", views.tenant_settings, name="tenant-settings"),
    path("settings/sla/", sla_views.sla_targets, name="sla-targets"),
    path("settings/api-keys/", settings_views.api_keys, name="settings-api-keys"),
    path("settings/webhooks/", settings_views.webhooks, name="settings-webhooks"),
    path("attachments/<str:token>/", ticket_views.attachment_download, name="attachment-download"),
    path("survey/<str:token>/", survey_views.survey, name="survey"),
    path("reports/satisfaction/", survey_views.report, name="satisfaction-report"),
    path("reports/sla/", sla_views.compliance_report, name="sla-compliance"),
    path("cases/", ticket_views.case_index, name="case-list"),
    path("cases/new/", ticket_views.case_new, name="case-new"),
    path("cases/log-call/", ticket_views.case_log_call, name="case-log-call"),
    path("cases/<str:number>/", ticket_views.case_detail, name="case-detail"),
    path("cases/<str:number>/do/<slug:action>/", ticket_views.case_action, name="case-action"),
    path("engineering/<path:reference>/state/", ticket_views.engineering_issue_state, name="engineering-issue-state"),
    path("cases/<str:number>/confirm/", ticket_views.case_confirm, name="case-confirm"),
    path("cases/<str:number>/reopen/", ticket_views.case_reopen_view, name="case-reopen"),
    path("login/", limited_auth_views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", limited_auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password-reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("helpdesk.api.urls")),
    # django-anymail: /anymail/<provider>/tracking/ and /anymail/<provider>/inbound/ (basic auth).
    path("anymail/", include("anymail.urls")),
]

handler400 = "helpdesk.http.bad_request"
handler403 = "helpdesk.http.permission_denied"
handler404 = "helpdesk.http.page_not_found"
handler500 = "helpdesk.http.server_error"
