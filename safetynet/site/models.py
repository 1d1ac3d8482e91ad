"""The site's own records: the holder of the personal-data permissions, and a job started from
a page and run by the worker (``jobs.py``).

Check runs and screenings have their own record (``verification.CheckRun``); a job is the
generic one for the rest of the long work: a department delivery's import, a month's payroll of
every township.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PersonalData(models.Model):
    """No table: the holder of the personal-data permissions (``personal.EXPORT_FULL_ID``)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("export_full_id", "导出含完整身份证号码的文件")]
        verbose_name = verbose_name_plural = "个人信息"


class Job(models.Model):
    """Long work queued by a page: what it is, how far it got, how it ended, where to go next."""

    class Kind(models.TextChoices):
        IMPORT = "import", "导入部门数据"
        PAYROLL = "payroll", "编制发放名册"
        ROSTER_PDF = "roster_pdf", "生成季度公示名册 PDF"

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "运行中"
        DONE = "done", "完成"
        FAILED = "failed", "失败"

    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    title = models.CharField("名称", max_length=200)
    area_code = models.CharField("发起人辖区", max_length=12, blank=True)
    params = models.JSONField("参数", default=dict)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    message = models.TextField("结果", blank=True)
    next_url = models.CharField("完成后转到", max_length=300, blank=True)
    error = models.TextField("错误", blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    requested_at = models.DateTimeField("发起时间", auto_now_add=True)
    started_at = models.DateTimeField("开始运行时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = verbose_name_plural = "后台任务"
