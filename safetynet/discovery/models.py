"""Discovery tasks (主动发现): a person or household in difficulty, found by a hotline call, a
village's report, a department's notice or a screening finding of missed coverage (漏保), for the
township to visit within a time limit and to close with an outcome (POLICY.md §12; seed:
全面公开社会救助服务热线，夯实乡镇、村主动发现责任，确保早发现、早介入、早救助).

The township has one queue whatever the source. A task carries its area (the village's code when
the household is known, else the township's) for scoping like a case, who reported it and when,
and the moment the visit is due (``due_at``): ``discovery_visit_limit`` working days, or
``temporary_help_first_hours`` for an emergency.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safetynet.cases.models import Case
from safetynet.referrals.models import Referral
from safetynet.registry.models import Household, Person


class Source(models.TextChoices):
    HOTLINE = "hotline", _("热线求助")
    VILLAGE = "village", _("村（居）报告")
    DEPARTMENT = "department", _("部门通报")
    SCREENING = "screening", _("筛查发现漏保")


class State(models.TextChoices):
    OPEN = "open", _("待走访")
    VISITED = "visited", _("已走访")
    CLOSED = "closed", _("已办结")


class Outcome(models.TextChoices):
    NO_NEED = "no_need", _("无需救助")
    REFERRED = "referred", _("已转介")
    APPLICATION = "application", _("已受理申请")
    TEMPORARY = "temporary", _("已给予临时救助")
    # The household already had a live case that answers the task (an application running, a
    # case on the rolls): the task closes naming it, no second case is opened.
    LIVE_CASE = "live_case", _("已有在办案件")


OPEN_STATES = ("open", "visited")


class DiscoveryTask(models.Model):
    source = models.CharField("线索来源", max_length=12, choices=Source.choices)
    area_code = models.CharField("所属区划", max_length=12, db_index=True)
    household = models.ForeignKey(Household, models.PROTECT, null=True, blank=True, related_name="discovery_tasks",
                                  verbose_name="家庭")  # fmt: skip
    person = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="困难对象")
    # A person not (yet) on the register: what the reporter said.
    name = models.CharField("姓名", max_length=40, blank=True)
    id_number = models.CharField("公民身份号码", max_length=18, blank=True)
    address = models.CharField("住址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    situation = models.TextField("困难情况")
    emergency = models.BooleanField("急难情形", default=False)
    reporter = models.CharField("报告人", max_length=60, blank=True)
    reporter_phone = models.CharField("报告人电话", max_length=20, blank=True)
    reported_at = models.DateTimeField("报告时间")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    due_at = models.DateTimeField("走访时限", db_index=True)
    ledger_item = models.OneToOneField("supervision.LedgerItem", models.PROTECT, null=True, blank=True,
                                       related_name="discovery_task", verbose_name="问题台账事项")  # fmt: skip
    state = models.CharField("状态", max_length=8, choices=State.choices, default=State.OPEN)
    visited_on = models.DateField("走访日期", null=True, blank=True)
    visit_note = models.TextField("走访情况", blank=True)
    # When the township first acted (the visit, or the outcome without a separate visit).
    reached_at = models.DateTimeField("首次处置时间", null=True, blank=True)
    outcome = models.CharField("处置结果", max_length=12, blank=True, choices=Outcome.choices)
    outcome_note = models.TextField("处置说明", blank=True)
    referral = models.ForeignKey(Referral, models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name="转介")  # fmt: skip
    case = models.ForeignKey(Case, models.PROTECT, null=True, blank=True, related_name="discovery_tasks",
                             verbose_name="案件")  # fmt: skip
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = verbose_name_plural = "主动发现任务"
        indexes = [models.Index(fields=["area_code", "state"]), models.Index(fields=["source", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state="closed", outcome__gt="") | ~models.Q(state="closed"),
                name="discovery_closed_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"主动发现 #{self.pk}（{self.get_source_display()}）"

    @property
    def township_code(self) -> str:
        return self.area_code[:9]

    @property
    def who(self) -> str:
        return self.person.name if self.person_id else self.name

    def overdue_at(self, now) -> bool:
        """Not visited (nor closed) by the time the visit was due."""
        return self.state == State.OPEN and self.due_at < now

    @property
    def in_time(self) -> bool | None:
        return None if self.reached_at is None else self.reached_at <= self.due_at


class TaskEvent(models.Model):
    """One step of a task's timeline."""

    task = models.ForeignKey(DiscoveryTask, models.PROTECT, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True)
    action = models.CharField(max_length=16)
    from_state = models.CharField(max_length=8, blank=True)
    to_state = models.CharField(max_length=8)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["at", "id"]
