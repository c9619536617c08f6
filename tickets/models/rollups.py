"""Daily roll-ups behind the customer SLA report (tickets.account_report): per account, local day
of opening, priority and metric, recounted from the cases and clocks by
`tickets.account_rollup.rollup_account_days`, so a year of an account's report reads a few thousand
small rows instead of its cases and clocks.

A day's rows change when a case opened that day changes: the services that open a case or move
its clocks or priority mark it (`Case.rollup_stale`) in the same save; beat recounts the marked
cases' days every minute, and until it has, the report counts those days (and today) live."""

from __future__ import annotations

from django.db import models

from helpdesk.tenancy import TenantOwned


class DailyAccountSla(TenantOwned):
    """The cases of one account opened on one day (in the account's zone) at one priority, and
    their clocks of one metric: met on time, missed (breached, met late included) and still
    running, and a histogram of the minutes the met ones took (opening to met, wall-clock) in
    the buckets of `tickets.account_rollup.minutes_bucket`, as {bucket: clocks}.
    `opened` is the cases of the day and priority: the same on each metric's row."""

    account_scope_field = "account"

    account = models.ForeignKey("helpdesk.Account", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    priority = models.ForeignKey("tickets.Priority", on_delete=models.CASCADE, related_name="+")
    metric = models.CharField(max_length=16)
    opened = models.PositiveIntegerField(default=0)
    met = models.PositiveIntegerField(default=0)
    missed = models.PositiveIntegerField(default=0)
    running = models.PositiveIntegerField(default=0)
    minutes = models.JSONField(default=dict, help_text="Bucket of minutes to met → number of met clocks.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "account", "day", "priority", "metric"], name="one_account_sla_row_per_group"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.metric}: {self.met} met, {self.missed} missed, {self.running} running"
