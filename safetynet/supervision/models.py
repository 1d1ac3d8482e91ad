"""The audit log: one row per audited act, each chained to the one before by a SHA-256 hash.

Rows are written only by ``services.record`` and never changed or removed. The model refuses
updates and deletes in Python, and database triggers (migration 0002) refuse them in SQL, so a
mistake in application code cannot rewrite history. A database administrator can still drop the
triggers; the hash chain is what shows, afterwards, that someone did (``selectors.verify_chain``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """An attempt to change or remove an audit record."""


HASH_PLAIN, HASH_KEYED = 1, 2


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.append_only_name}只能追加，不能修改")

    def delete(self):
        raise AppendOnlyError(f"{self.model.append_only_name}只能追加，不能删除")


class AppendOnlyModel(models.Model):
    """A row written once and never changed or removed (SQL triggers refuse it too: dbtriggers)."""

    append_only_name = "记录"
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(f"{self.append_only_name}只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self.append_only_name}只能追加，不能删除")


class AuditEvent(AppendOnlyModel):
    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="操作人"
    )
    actor_name = models.CharField("操作人用户名", max_length=150, blank=True)  # a snapshot: "" for the system
    action = models.CharField("操作", max_length=64)
    object_type = models.CharField("对象类型", max_length=64)
    object_id = models.CharField("对象编号", max_length=64)
    area_code = models.CharField("区划代码", max_length=12, db_index=True)
    details = models.JSONField("详情", default=dict, blank=True)
    # Unique: two events can never claim the same predecessor, so the chain cannot fork even if
    # writers were not serialised.
    prev_hash = models.CharField("前序哈希", max_length=64, unique=True)
    hash = models.CharField("哈希", max_length=64, unique=True)
    # 1: plain SHA-256, the events written before keyed hashing (they may only open the chain);
    # 2: HMAC-SHA256 with the key kept outside the database.
    version = models.PositiveSmallIntegerField("哈希版本", default=HASH_KEYED)

    append_only_name = "审计日志"

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "审计日志"

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"


class AccessLog(AppendOnlyModel):
    """个人信息查阅记录 (PIPL): who saw which persons' personal data, when, and for what.

    Written by ``services.record_access``, outside the audit chain, so reading a page never waits
    for the chain's lock. Append-only like the audit log (Python here, SQL triggers in migration
    0005). The persons seen are rows of ``AccessLogPerson``, so "who saw this person" is one
    indexed query on every database.
    """

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="查阅人"
    )
    actor_name = models.CharField("查阅人用户名", max_length=150, blank=True)
    purpose = models.CharField("用途", max_length=64)
    object_type = models.CharField("对象类型", max_length=64)
    object_id = models.CharField("对象编号", max_length=64)
    area_code = models.CharField("区划代码", max_length=12, db_index=True)
    full_id = models.BooleanField("显示完整身份证号", default=True)
    count = models.PositiveIntegerField("涉及人数")  # of an export or a list: may exceed the persons listed

    append_only_name = "查阅记录"

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "个人信息查阅记录"

    def __str__(self) -> str:
        return f"#{self.pk} {self.actor_name or '系统'} {self.purpose} {self.object_type}:{self.object_id}"


class AccessLogPerson(AppendOnlyModel):
    """One person seen in one access (a plain id, not a foreign key: the log outlives the row)."""

    id = models.BigAutoField(primary_key=True)
    access = models.ForeignKey(AccessLog, models.PROTECT, related_name="persons")
    person_id = models.BigIntegerField("人员编号", db_index=True)

    append_only_name = "查阅记录"

    class Meta:
        verbose_name = verbose_name_plural = "查阅涉及人员"


class AuditVerification(models.Model):
    """The result of one check of the audit chain against its checkpoints (``audit verify`` or the
    auditor's "verify now"): what the auditor's page shows as the last verification."""

    at = models.DateTimeField("校验时间")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="校验人"
    )
    by_name = models.CharField("校验人用户名", max_length=150, blank=True)  # "" for the command line
    source = models.CharField("方式", max_length=8, choices=[("cli", "命令行"), ("web", "审计页面")])
    ok = models.BooleanField("完整")
    checked = models.PositiveIntegerField("已校验记录数")
    checkpoints = models.PositiveIntegerField("已比对检查点数")
    first_broken_id = models.BigIntegerField("断开处记录编号", null=True, blank=True)
    reason = models.TextField("原因", blank=True)
    head_hash = models.CharField("链尾哈希", max_length=64, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = verbose_name_plural = "审计日志校验结果"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {'完整' if self.ok else '断开'}"


class LedgerItem(models.Model):
    """问题台账: a finding for a township to visit and close (台账、销号管理, POLICY.md §9)."""

    class Status(models.TextChoices):
        OPEN = "open", _("待核查")
        CLOSED = "closed", _("已销号")

    kind = models.CharField("问题类型", max_length=24)
    area = models.ForeignKey("registry.Area", models.PROTECT, verbose_name="所属区划")
    household_no = models.CharField("户号", max_length=32)
    id_number = models.CharField("公民身份号码", max_length=18, blank=True)
    programme = models.CharField("项目", max_length=20, blank=True)
    month = models.DateField("筛查月份")
    evidence = models.TextField("依据")
    sources = models.CharField("数据来源", max_length=300)
    found_by = models.ForeignKey("verification.CheckRun", models.PROTECT, null=True, related_name="ledger_items")
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    closed_on = models.DateField("销号日期", null=True, blank=True)
    outcome = models.TextField("核查结果", blank=True)

    class Meta:
        ordering = ["status", "area_id", "kind", "household_no"]
        constraints = [
            # Screening the same month again does not duplicate an item.
            models.UniqueConstraint(fields=["kind", "household_no", "id_number", "month"], name="one_item_per_finding"),
        ]
        verbose_name = verbose_name_plural = "问题台账"
