"""The verification centre's records: feed deliveries, check runs and their results.

The department data itself lives in the Parquet feed store (``settings.FEED_STORE``); the
database keeps who imported what and when, what each run checked, and the outcome per household.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from safetynet.batch.feed_items import DEPARTMENTS, ITEMS
from safetynet.batch.verify import IMPACTS
from safetynet.registry.models import Area, Household


class FeedDelivery(models.Model):
    """One imported file of one data item: who, when, how many rows loaded and rejected."""

    item = models.CharField("数据项", max_length=32, choices=[(c, i.name) for c, i in ITEMS.items()])
    delivered_on = models.DateField("交付日期")
    file_name = models.CharField("文件名", max_length=200)
    sha256 = models.CharField("文件摘要", max_length=64)
    rows_loaded = models.PositiveIntegerField("导入行数")
    rows_rejected = models.PositiveIntegerField("拒收行数")
    rejections = models.JSONField("拒收明细（前 1000 条）", default=list)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "delivered_on", "sha256"], name="one_import_per_delivery")
        ]
        verbose_name = verbose_name_plural = "部门数据交付"

    @property
    def department(self) -> str:
        """The delivering department, which the item decides (``feed_items.ITEMS``)."""
        return ITEMS[self.item].department

    def get_department_display(self) -> str:
        return DEPARTMENTS[self.department]


class CheckRun(models.Model):
    """A batch of checks (one household, a day's applicants, a township's beneficiaries) or a
    screening of the population; counted for the bureau's reports (batches, person-checks)."""

    class Kind(models.TextChoices):
        HOUSEHOLD = "household", "单户核对"
        APPLICANTS = "applicants", "当日申请核对"
        TOWNSHIP = "township", "乡镇复核"
        SCREENING = "screening", "全市筛查"

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "运行中"
        DONE = "done", "完成"
        FAILED = "failed", "失败"

    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    area = models.ForeignKey(Area, models.PROTECT, verbose_name="范围")
    month = models.DateField("核对月份")
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    households = models.PositiveIntegerField("户数", default=0)
    person_checks = models.PositiveIntegerField("人次", default=0)
    findings = models.PositiveIntegerField("发现问题数", default=0)
    summary = models.JSONField("汇总", default=dict)
    error = models.TextField("错误", blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    requested_at = models.DateTimeField("发起时间", auto_now_add=True)
    # What the worker needs besides the columns above (the programme, a day's applicants' day).
    params = models.JSONField("参数", default=dict)
    started_at = models.DateTimeField("开始运行时间", null=True, blank=True)
    # Written by the worker while it runs; a running run silent too long lost its worker.
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One screening at a time in the whole city: the database refuses a second, whatever
            # two requests (or a request and the command line) do at the same moment.
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(kind="screening", status__in=["queued", "running"]),
                name="one_screening_at_a_time",
            )
        ]
        verbose_name = verbose_name_plural = "核对批次"

    @property
    def stalled(self) -> bool:
        """Running, but its worker has been silent too long (the sweep will mark it failed)."""
        from safetynet.site.jobs import is_stale

        return is_stale(self)


class CheckResult(models.Model):
    """A household's outcome in a run: declared against found, and what it means for the decision."""

    run = models.ForeignKey(CheckRun, models.CASCADE, related_name="results")
    household = models.ForeignKey(Household, models.PROTECT, related_name="checks")
    impact = models.CharField("核对结论", max_length=20, choices=list(IMPACTS.items()))
    declared_amount_fen = models.BigIntegerField("申报口径金额（分）")
    verified_amount_fen = models.BigIntegerField("核对口径金额（分）")
    lines = models.JSONField("核对明细", default=list)
    # The rules' result rows on both sides (``batch.verify.Readings``): {"declared": {"household":
    # values, "members": [values, ...]}, "verified": the same, or None when no member is left},
    # the values under the names in the run's ``params["reading_columns"]``. Each programme reads
    # its own part from them (``selectors.check_reading``); empty for a check made before they were
    # kept.
    readings = models.JSONField("按项目测算所据结果", default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "household"], name="one_result_per_household")]
        verbose_name = verbose_name_plural = "核对结果"
