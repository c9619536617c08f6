"""Webhook deliveries keep a short note instead of the receiver's answer body. Bodies already
recorded are dropped: they may hold the start of an internal service's answer."""

from django.db import migrations, models


def forget_bodies(apps, schema_editor):
    apps.get_model("helpdesk", "WebhookDelivery").objects.exclude(note="").update(note="")


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0006_tenant_survey_expiry_days_and_more"),
    ]

    operations = [
        migrations.RenameField(model_name="webhookdelivery", old_name="response_body", new_name="note"),
        migrations.RunPython(forget_bodies, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="webhookdelivery",
            name="note",
            field=models.CharField(
                blank=True,
                help_text="The answer's standard phrase, where a redirect pointed, or why it was not sent.",
                max_length=300,
            ),
        ),
    ]
