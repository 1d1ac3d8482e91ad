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
