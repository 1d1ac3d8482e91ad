"""The audit log: one row per audited act, each chained to the one before by a SHA-256 hash.

Rows are written only by ``services.record`` and never changed or removed. The model refuses
updates and deletes in Python, and database triggers (migration 0002) refuse them in SQL, so a
mistake in application code cannot rewrite history. A database administrator can still drop the
triggers; the hash chain is what shows, afterwards, that someone did (``selectors.verify_chain``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    """An attempt to change or remove an audit record."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("审计日志只能追加，不能修改")

    def delete(self):
        raise AppendOnlyError("审计日志只能追加，不能删除")


class AuditEvent(models.Model):
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

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "审计日志"

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("审计日志只能追加，不能删除")
