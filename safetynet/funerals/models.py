"""The waiver of basic funeral fees (基本殡葬服务费用减免; seed, 邹城市: 全面免除960元殡葬基本费用和
300元惠民基本型骨灰盒费用; POLICY.md §7): the register of funeral homes, each deceased a home
records with the services given and their prices, what is waived (``funeral_basic_services_limit``,
``funeral_urn_limit``) and what the family pays, and the bureau's monthly reimbursement statement
per home. Money in integer fen. Nothing is deleted: a refused claim stays with its reason, an
approved statement is final.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safetynet.registry.models import Area

# The basic services a home lists (民政部《殡葬管理条例》: 遗体接运、存放、火化、骨灰寄存).
SERVICES = {
    "transport": _("遗体接运"),
    "storage": _("遗体存放（冷藏）"),
    "cremation": _("遗体火化"),
    "farewell": _("告别厅（守灵）"),
    "ash_storage": _("骨灰寄存"),
}


class FuneralHome(models.Model):
    code = models.CharField("殡仪馆代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=100)
    county = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name="所在县（市、区）")
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["county_id", "code"]
        verbose_name = verbose_name_plural = "殡仪馆"

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class Status(models.TextChoices):
    WAIVED = "waived", _("已减免")
    REFUSED = "refused", _("不予减免")


class Refusal(models.TextChoices):
    NOT_DEAD = "not_dead", _("公安死亡记录中无此人")
    NOT_RESIDENT = "not_resident", _("非本市户籍居民")
    CLAIMED = "claimed", _("已享受过减免")


class FuneralClaim(models.Model):
    home = models.ForeignKey(FuneralHome, models.PROTECT, related_name="claims", verbose_name="殡仪馆")
    # The home's county: the bureau that reimburses it reads by it.
    area_code = models.CharField("县级区划", max_length=12, db_index=True)
    id_number = models.CharField("逝者公民身份号码", max_length=18, db_index=True)
    name = models.CharField("逝者姓名", max_length=40)
    death_date = models.DateField("死亡日期")
    served_on = models.DateField("服务日期")
    services = models.JSONField("基本服务项目及收费（分）", default=dict)
    services_fen = models.BigIntegerField("基本服务收费合计（分）")
    urn_fen = models.BigIntegerField("骨灰盒收费（分）", default=0)
    waived_services_fen = models.BigIntegerField("免除基本服务费（分）", default=0)
    waived_urn_fen = models.BigIntegerField("免除骨灰盒费（分）", default=0)
    family_pays_fen = models.BigIntegerField("丧属自付（分）", default=0)
    status = models.CharField("结果", max_length=8, choices=Status.choices)
    refusal = models.CharField("不予减免原因", max_length=12, blank=True, choices=Refusal.choices)
    reason = models.TextField("说明", blank=True)
    # What the department data said on the day (the death record, the registered area).
    records = models.JSONField("比对的部门数据", default=dict)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    statement = models.ForeignKey("Statement", models.PROTECT, null=True, blank=True, related_name="claims")

    class Meta:
        ordering = ["-served_on", "-id"]
        verbose_name = verbose_name_plural = "殡葬费用减免"
        constraints = [
            # One waiver per deceased, whatever two homes do at the same moment.
            models.UniqueConstraint(fields=["id_number"], condition=models.Q(status="waived"),
                                    name="one_funeral_waiver_per_person"),  # fmt: skip
            models.CheckConstraint(condition=models.Q(services_fen__gte=0, urn_fen__gte=0, waived_services_fen__gte=0,
                                                      waived_urn_fen__gte=0, family_pays_fen__gte=0),
                                   name="funeral_amounts_not_negative"),  # fmt: skip
        ]

    @property
    def waived_fen(self) -> int:
        return self.waived_services_fen + self.waived_urn_fen

    @property
    def charged_fen(self) -> int:
        return self.services_fen + self.urn_fen


class Statement(models.Model):
    """The bureau's monthly reimbursement of one home: the waivers of its services that month."""

    class State(models.TextChoices):
        DRAFT = "draft", _("待审核")
        APPROVED = "approved", _("已审核")

    home = models.ForeignKey(FuneralHome, models.PROTECT, related_name="statements", verbose_name="殡仪馆")
    month = models.DateField("月份")
    claims_count = models.PositiveIntegerField("减免人数", default=0)
    waived_fen = models.BigIntegerField("应拨付金额（分）", default=0)
    state = models.CharField("状态", max_length=8, choices=State.choices, default=State.DRAFT)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    prepared_at = models.DateTimeField(auto_now=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-month", "home_id"]
        verbose_name = verbose_name_plural = "殡葬减免结算单"
        constraints = [models.UniqueConstraint(fields=["home", "month"], name="one_funeral_statement_per_month")]
