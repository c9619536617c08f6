"""Daily roll-ups behind the dashboard's trends: one row per tenant and local day, recounted from
the clocks and surveys by `reports.services.rollup_day` (beat keeps today and yesterday current),
so a chart over weeks reads a few hundred small rows instead of counting a million cases."""

from __future__ import annotations

from django.db import models

from helpdesk.tenancy import TenantOwned


class DailySlaTally(TenantOwned):
    """The clocks of one priority, plan and metric decided on one day (in the tenant's zone):
    met on time (by the day met) and breached (by the day breached), and the business time the
    met ones took, as {minutes: clocks} so medians over any range add up exactly."""

    day = models.DateField()
    priority = models.ForeignKey("tickets.Priority", on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey("tickets.Plan", on_delete=models.CASCADE, related_name="+")
    metric = models.CharField(max_length=16)
    met = models.PositiveIntegerField(default=0)
    breached = models.PositiveIntegerField(default=0)
    minutes_taken = models.JSONField(default=dict, help_text="Business minutes taken → number of met clocks.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "day", "priority", "plan", "metric"], name="one_sla_tally_per_day_and_group"
            )
        ]
        indexes = [models.Index(fields=["tenant", "day"], name="sla_tally_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.metric}: {self.met} met, {self.breached} breached"


class DailySatisfaction(TenantOwned):
    """Surveys of one day (in the tenant's zone): invitations sent, answers, and answers of 4–5."""

    day = models.DateField()
    invited = models.PositiveIntegerField(default=0)
    responses = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0, help_text="Answers with an overall score of 4 or 5.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "day"], name="one_satisfaction_tally_per_day")]

    def __str__(self) -> str:
        return f"{self.day}: {self.satisfied}/{self.responses} satisfied"
