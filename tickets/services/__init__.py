"""Writes of case data. Every function is keyword-only, runs in a transaction, locks the case and
writes an event with a stable code for each change."""

from __future__ import annotations

from tickets.services._common import record as case_event_record
from tickets.services.alerts import AlertOutcome, alert_receive
from tickets.services.assignment import BulkOutcome, ReassignReason, case_assign, case_reassign, cases_assign_bulk
from tickets.services.attachments import attachment_add, sniff_content_type
from tickets.services.auto_assignment import case_auto_assign, pick_analyst
from tickets.services.calls import CallDirection, case_log_call
from tickets.services.canned_replies import canned_reply_delete, canned_reply_save
from tickets.services.conversation import case_request_information, comment_add
from tickets.services.engineering import engineering_issue_link, engineering_issue_set_state
from tickets.services.escalations import escalation_acknowledge, escalation_raise, escalation_resolve
from tickets.services.inbound import comment_from_email
from tickets.services.notifications import notification_mail_set, notification_mark_all_read, notification_mark_read
from tickets.services.opening import case_numbers_reserve, case_open, next_case_number
from tickets.services.presets import preset_apply, priority_cases_rerank
from tickets.services.profile import profile_update
from tickets.services.resolution import (
    case_close,
    case_close_if_unanswered,
    case_confirm_closure,
    case_confirm_resolution,
    case_propose_resolution,
    case_reopen,
    case_request_closure,
)
from tickets.services.updates import case_change_priority, case_record_workaround, case_update, case_update_details

__all__ = [
    "AlertOutcome",
    "BulkOutcome",
    "CallDirection",
    "ReassignReason",
    "alert_receive",
    "attachment_add",
    "canned_reply_delete",
    "canned_reply_save",
    "case_assign",
    "case_auto_assign",
    "case_change_priority",
    "case_close",
    "case_close_if_unanswered",
    "case_confirm_closure",
    "case_confirm_resolution",
    "case_event_record",
    "case_log_call",
    "case_numbers_reserve",
    "case_open",
    "case_propose_resolution",
    "case_reassign",
    "case_record_workaround",
    "case_reopen",
    "case_request_closure",
    "case_request_information",
    "case_update",
    "case_update_details",
    "cases_assign_bulk",
    "comment_add",
    "comment_from_email",
    "engineering_issue_link",
    "engineering_issue_set_state",
    "escalation_acknowledge",
    "escalation_raise",
    "escalation_resolve",
    "next_case_number",
    "notification_mail_set",
    "notification_mark_all_read",
    "notification_mark_read",
    "pick_analyst",
    "preset_apply",
    "priority_cases_rerank",
    "profile_update",
    "sniff_content_type",
]
