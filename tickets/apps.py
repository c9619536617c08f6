from __future__ import annotations

from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = "Cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The platform receives provider webhooks but imports no app: tickets registers here.
        from helpdesk.messaging.inbound import register_inbound_handler
        from tickets.inbound_mail import case_reply_receive

        register_inbound_handler(case_reply_receive)

        # sla reschedules running clocks when a calendar changes; the cases' order is ours.
        from sla.services.reschedule import register_clocks_rescheduled_handler
        from tickets.case_deadlines import cases_due_refresh

        register_clocks_rescheduled_handler(cases_due_refresh)
