"""Beat-driven survey work: the one reminder of unanswered invitations."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from surveys.services import reminders_due, survey_remind


@shared_task(name="surveys.send_reminders", acks_late=True, ignore_result=True)
def send_reminders() -> int:
    now = timezone.now()
    return sum(survey_remind(invitation_id=pk, now=now) for pk in reminders_due(now=now))
