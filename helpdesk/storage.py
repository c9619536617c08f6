"""Files that live with their rows: a stored file goes when the row that names it is deleted.

Storage itself is chosen in settings (STORAGES: S3-compatible object storage when
AWS_STORAGE_BUCKET_NAME is set, MEDIA_ROOT otherwise); this module only keeps the bucket from
filling with files nobody can reach any more, since nothing serves a file without its row.
"""

from __future__ import annotations

import logging
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models.signals import post_delete

log = logging.getLogger(__name__)


def _file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [field for field in model._meta.concrete_fields if isinstance(field, models.FileField)]


def _delete_files(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    using = kwargs.get("using")
    for field in _file_fields(sender):
        file = getattr(instance, field.attname)
        if not file or not file.name:
            continue
        storage, name = file.storage, file.name

        def delete(storage: Any = storage, name: str = name) -> None:
            try:
                storage.delete(name)
            except Exception:  # a file left behind is harmless; a failed request after commit is not
                log.exception("could not delete stored file %s", name)

        # Only once the deletion is committed: a rolled-back delete keeps its row, so its file too.
        transaction.on_commit(delete, using=using)


def connect_file_cleanup() -> None:
    """Delete stored files with their rows, for every model that has a file field.

    Receivers are connected per model rather than for all senders, because any post_delete
    receiver turns off Django's fast (bulk) deletes for the models it listens to.
    """
    for model in apps.get_models():
        if _file_fields(model):
            post_delete.connect(_delete_files, sender=model, dispatch_uid=f"file-cleanup-{model._meta.label}")
