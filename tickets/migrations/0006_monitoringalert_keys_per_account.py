"""Monitoring alert keys are unique per account, not per tenant: existing alerts take their
case's account, and the tenant-wide unique key gives way to a per-account one."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def account_from_case(apps, schema_editor):
    MonitoringAlert = apps.get_model("tickets", "MonitoringAlert")
    Case = apps.get_model("tickets", "Case")
    MonitoringAlert.objects.update(
        account_id=Subquery(Case.objects.filter(pk=OuterRef("case_id")).values("account_id"))
    )
    if schema_editor.connection.vendor == "postgresql":
        # Check the new foreign keys now, so that the NOT NULL below finds no pending trigger events.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0006_tenant_survey_expiry_days_and_more"),
        ("tickets", "0005_comment_sender_email"),
    ]

    operations = [
        migrations.AddField(
            model_name="monitoringalert",
            name="account",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="helpdesk.account"
            ),
        ),
        migrations.RunPython(account_from_case, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="monitoringalert",
            name="account",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="helpdesk.account"
            ),
        ),
        migrations.RemoveConstraint(model_name="monitoringalert", name="one_alert_per_dedup_key"),
        migrations.AddConstraint(
            model_name="monitoringalert",
            constraint=models.UniqueConstraint(
                fields=("tenant", "account", "dedup_key"), name="one_alert_per_account_dedup_key"
            ),
        ),
    ]
