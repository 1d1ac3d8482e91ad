"""The site's own records: the holder of the personal-data permissions."""

from __future__ import annotations

from django.db import models


class PersonalData(models.Model):
    """No table: the holder of the personal-data permissions (``personal.EXPORT_FULL_ID``)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("export_full_id", "导出含完整身份证号码的文件")]
        verbose_name = verbose_name_plural = "个人信息"
