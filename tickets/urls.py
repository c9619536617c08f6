"""Case pages: portal, queue, the case list and each case, escalations, attachments, SLA targets."""

from __future__ import annotations

from django.urls import path

from tickets.views import (
    account_report,
    canned_replies,
    case,
    escalations,
    lists,
    notifications,
    opening,
    profile,
    shell,
    sla_targets,
    support_policy,
)

urlpatterns = [
    path("portal/", lists.portal, name="portal"),
    path("reports/account-sla/", account_report.account_sla, name="account-sla"),
    path("support/", support_policy.support_policy_find, name="support-policy-find"),
    path("support/<slug:tenant_slug>/", support_policy.support_policy_page, name="support-policy"),
    path("queue/", lists.queue, name="queue"),
    path("queue/bulk/", lists.queue_bulk, name="queue-bulk"),
    path("profile/", profile.profile, name="profile"),
    path("shell/counts/", shell.shell_counts_view, name="shell-counts"),
    path("escalations/", escalations.escalations, name="escalations"),
    path("escalations/<int:pk>/<slug:action>/", escalations.escalation_action, name="escalation-action"),
    path("notifications/", notifications.notifications, name="notifications"),
    path("notifications/bell/", notifications.bell, name="notification-bell"),
    path("notifications/read-all/", notifications.notifications_read_all, name="notifications-read-all"),
    path("notifications/settings/", notifications.notification_settings, name="notification-settings"),
    path("notifications/<int:pk>/read/", notifications.notification_read, name="notification-read"),
    path("settings/canned-replies/", canned_replies.canned_replies, name="canned-replies"),
    path("settings/canned-replies/<int:pk>/", canned_replies.canned_replies, name="canned-reply"),
    path("settings/canned-replies/<int:pk>/remove/", canned_replies.canned_reply_remove, name="canned-reply-remove"),
    path("settings/sla/", sla_targets.sla_targets, name="sla-targets"),
    path("settings/sla/review/", sla_targets.sla_review, name="sla-review"),
    path("settings/sla/versions/<int:pk>/", sla_targets.sla_version, name="sla-version"),
    path("attachments/<str:token>/", case.attachment_download, name="attachment-download"),
    path("cases/", lists.case_index, name="case-list"),
    path("cases/new/", opening.case_new, name="case-new"),
    path("cases/log-call/", opening.case_log_call, name="case-log-call"),
    path("cases/<str:number>/", case.case_detail, name="case-detail"),
    path("cases/<str:number>/do/<slug:action>/", case.case_action, name="case-action"),
    path("engineering/<path:reference>/state/", case.engineering_issue_state, name="engineering-issue-state"),
    path("cases/<str:number>/confirm/", case.case_confirm, name="case-confirm"),
    path("cases/<str:number>/reopen/", case.case_reopen_view, name="case-reopen"),
]
