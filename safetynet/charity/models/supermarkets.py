"""Charity supermarkets (慈善超市): the register, the goods in and out, the households they serve.

Seed: 全市建成慈善超市 322 处. A household on the rolls (a dibao, tekun or temporary help case
on the programme frame, or an edge family the county identified) is enrolled at a supermarket and
takes goods against points: each month an allowance of points (parameter
``charity_supermarket_points``), never more. Goods in and out are an append-only book too.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetynet.charity.models.organisations import Organisation
from safetynet.registry.models import Area, Household
from safetynet.supervision.models import AppendOnlyModel


class Supermarket(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("所在乡镇（街道）"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    operator = models.ForeignKey(Organisation, models.PROTECT, null=True, blank=True, related_name="supermarkets",
                                 verbose_name=_("运营社会组织"))  # fmt: skip
    opened_on = models.DateField(_("开业日期"))

    class Meta:
        ordering = ["area_id", "name"]
        verbose_name = verbose_name_plural = _("慈善超市")

    def __str__(self) -> str:
        return self.name


class Enrolment(models.Model):
    class Basis(models.TextChoices):
        DIBAO = "dibao", _("低保")
        TEKUN = "tekun", _("特困")
        TEMPORARY = "temporary", _("临时救助")
        EDGE = "edge", _("低保边缘家庭")

    supermarket = models.ForeignKey(Supermarket, models.PROTECT, related_name="enrolments")
    household = models.ForeignKey(Household, models.PROTECT, related_name="+", verbose_name=_("家庭"))
    basis = models.CharField(_("救助类别"), max_length=10, choices=Basis.choices)
    case_id_ref = models.PositiveIntegerField(_("依据案件"), null=True, blank=True)
    document = models.CharField(_("认定文号"), max_length=60, blank=True)  # an edge family's
    since = models.DateField(_("登记日期"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["supermarket_id", "id"]
        constraints = [models.UniqueConstraint(fields=["supermarket", "household"], name="charity_enrolment_once")]


class StockEntry(AppendOnlyModel):
    class Kind(models.TextChoices):
        DONATED = "donated", _("捐赠入库")
        PURCHASED = "purchased", _("采购入库")
        GIVEN = "given", _("发放")
        REVERSAL = "reversal", _("冲正")

    id = models.BigAutoField(primary_key=True)
    supermarket = models.ForeignKey(Supermarket, models.PROTECT, related_name="stock")
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    on = models.DateField(_("日期"))
    item = models.CharField(_("物品"), max_length=100)
    quantity = models.IntegerField(_("数量"))  # signed: goods given out are negative
    value_fen = models.BigIntegerField(_("价值（分）"))  # signed like the quantity
    points = models.IntegerField(_("积分"), default=0)  # what a household paid in points
    household = models.ForeignKey(Household, models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("领取家庭"))  # fmt: skip
    donation = models.ForeignKey("charity.DonationEntry", models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("来源捐赠"))  # fmt: skip
    reverses = models.OneToOneField("self", models.PROTECT, null=True, blank=True, related_name="reversed_by")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    append_only_name = "慈善超市出入库记录"

    class Meta:
        ordering = ["supermarket_id", "id"]
        indexes = [models.Index(fields=["supermarket", "on"]), models.Index(fields=["household", "on"])]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind__in=("donated", "purchased"), quantity__gt=0, value_fen__gte=0, points=0)
                           | models.Q(kind="given", quantity__lt=0, value_fen__lte=0, household__isnull=False,
                                      points__gte=0)
                           | models.Q(kind="reversal", reverses__isnull=False)),
                name="charity_stock_by_kind",
            ),
        ]
