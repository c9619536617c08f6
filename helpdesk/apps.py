from __future__ import annotations

from django.apps import AppConfig


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = "Platform"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from helpdesk.messaging import inbound  # noqa: F401 - connects the django-anymail receivers
        from helpdesk.storage import connect_file_cleanup

        connect_file_cleanup()
        # Web and worker processes alike: request ids into and out of task messages, sweep timings.
        from helpdesk import logs, metrics

        logs.connect_celery_signals()
        metrics.connect_celery_signals()
        # Row-level security: policies after every migrate; tasks start and end with no tenant.
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from helpdesk import rls

        post_migrate.connect(rls.install_after_migrate, dispatch_uid="helpdesk.rls.install")
        connection_created.connect(rls.connection_opened, dispatch_uid="helpdesk.rls.connection_opened")
        rls.connect_celery_signals()
