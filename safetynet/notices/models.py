"""The letters a township signs: one per decision, numbered in the township's register of the year.

A letter's number is allocated once, when it is first issued, and never changes; a new decision
gets a new letter and a new number. What the letter says is kept as issued (``content``), so a
later decision on the case never rewrites a letter already served.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from safetynet.cases.models import Case, CaseEvent
from safetynet.registry.models import Area


class Letter(models.Model):
    class Kind(models.TextChoices):
        APPROVAL = "approval", "审核确认决定书"
        REFUSAL = "refusal", "不予确认决定书"
        TERMINATION = "termination", "终止救助决定书"
        CHANGE = "change", "救助金额变更决定书"

    case = models.ForeignKey(Case, models.PROTECT, related_name="letters", verbose_name="案件")
    event = models.OneToOneField(CaseEvent, models.PROTECT, related_name="letter", verbose_name="决定")
    kind = models.CharField("文书种类", max_length=12, choices=Kind.choices)
    township = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name="乡镇（街道）")
    year = models.PositiveSmallIntegerField("年度")
    serial = models.PositiveIntegerField("顺序号")
    number = models.CharField("文号", max_length=100)
    issued_on = models.DateField("出具日期")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    content = models.JSONField("文书内容")

    class Meta:
        verbose_name = verbose_name_plural = "决定文书"
        ordering = ["township", "year", "serial"]
        constraints = [
            models.UniqueConstraint(fields=["township", "year", "serial"], name="letter_number_unique"),
            models.CheckConstraint(condition=models.Q(serial__gte=1), name="letter_serial_positive"),
        ]

    def __str__(self) -> str:
        return self.number
