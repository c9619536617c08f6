"""Partial indexes on given-up mail and webhook deliveries, so that /metrics counts them by an
index read at every scrape (helpdesk/metrics.py). Pending rows are counted on the existing
outbox_due and webhook_due indexes.

Created in SQL, outside the models' Meta, to keep this change to new files while the models
module is being reorganised; move them into Meta.indexes (same names) when that lands.
"""

from django.db import migrations

INDEXES = [
    ("outbox_failed", "helpdesk_outboxmessage"),
    ("webhook_failed", "helpdesk_webhookdelivery"),
]


class Migration(migrations.Migration):
    dependencies = [("helpdesk", "0007_webhook_delivery_note_instead_of_body")]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX {name} ON {table} (created_at) WHERE status = 'failed'",
            reverse_sql=f"DROP INDEX {name}",
        )
        for name, table in INDEXES
    ]
