from __future__ import annotations

from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Satisfaction surveys"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Tickets imports no app above it: a closed case reaches surveys through this hook.
        from surveys.selectors import answered_case_ids
        from surveys.services import survey_invite
        from tickets.drill import register_survey_cases
        from tickets.notifications import register_case_closed_handler

        register_case_closed_handler(survey_invite)
        register_survey_cases(answered_case_ids)
