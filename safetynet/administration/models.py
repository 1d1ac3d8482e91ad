"""Values the city administrator sets in the office: the State Council's holiday arrangement of a
year the `chinesecalendar` library does not know yet (POLICY.md §3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class HolidayArrangement(models.Model):
    """国务院办公厅关于某年部分节假日安排的通知, as entered: days off and make-up working days."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    holidays = models.JSONField("放假日期", default=list)  # ISO dates
    workdays = models.JSONField("调休上班日期", default=list)  # ISO dates (weekends worked)
    notice_title = models.CharField("通知名称", max_length=200)
    notice_number = models.CharField("文号", max_length=60)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="录入人")
    entered_at = models.DateTimeField("录入时间")

    class Meta:
        ordering = ["-year"]
        verbose_name = verbose_name_plural = "节假日安排"
        constraints = [models.CheckConstraint(condition=models.Q(year__gte=1901, year__lte=2099),
                                              name="holiday_year_in_range")]

    def __str__(self) -> str:
        return f"{self.year} {self.notice_number}"


class ParameterValue(models.Model):
    """A local parameter's new value from a date, with the document that set it. It takes effect
    only once a second city administrator confirms it (POLICY.md: every value cites its source)."""

    class Status(models.TextChoices):
        PENDING = "pending", "待复核"
        CONFIRMED = "confirmed", "已生效"
        REJECTED = "rejected", "已退回"

    name = models.CharField("参数", max_length=64)
    effective = models.DateField("生效日期")
    value = models.JSONField("取值")  # the YAML's shape: amounts as strings, by tier/hukou/area
    document_title = models.CharField("文件名称", max_length=200)
    document_number = models.CharField("文号", max_length=60)
    document_date = models.DateField("发文日期")
    note = models.CharField("说明", max_length=300, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="录入人")
    entered_at = models.DateTimeField("录入时间")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name="复核人")
    confirmed_at = models.DateTimeField("复核时间", null=True, blank=True)
    rejection = models.CharField("退回理由", max_length=300, blank=True)

    class Meta:
        ordering = ["name", "-effective", "-id"]
        verbose_name = verbose_name_plural = "本地参数"
        constraints = [
            # One value in force per parameter and date: a correction is a new date or a rejection.
            models.UniqueConstraint(fields=["name", "effective"], condition=models.Q(status="confirmed"),
                                    name="one_confirmed_value_per_parameter_and_date"),
            models.CheckConstraint(
                condition=~models.Q(status="confirmed") | ~models.Q(confirmed_by=models.F("entered_by")),
                name="confirmed_by_a_second_administrator"),
        ]

    @property
    def reference(self) -> str:
        return f"{self.document_title}（{self.document_number}，{self.document_date:%Y-%m-%d}）"
