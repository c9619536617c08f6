from __future__ import annotations

from django.apps import AppConfig


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = "Platform"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from helpdesk.messaging import inbound  # noqa: F401 - connects the django-anymail receivers
