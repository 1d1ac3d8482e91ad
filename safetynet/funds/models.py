"""The township standby fund (临时救助备用金): one fund per township, and its book of entries.

Seed: 在镇街建立临时救助备用金制度; 临救-2018: townships pay urgent temporary assistance first
from a standby fund the county allocates. The county allocates (``allocate``), each help-first or
cash payment draws (``draw``), unspent money comes back (``return``), and a correction is an entry
of its own with its reason (``adjust``): nothing is ever rewritten.

``Fund.balance_fen`` is the balance now, kept with the entries in one transaction under the
fund row's lock, and never below zero (a database check too). Each entry keeps the balance after
it (``balance_after_fen``), so the book can be checked line by line: every entry's balance is the
one before plus its amount, and the last is the fund's (``selectors.reconcile``). An entry that
was changed or removed breaks that chain.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetynet.cases.models import Case
from safetynet.registry.models import Area
from safetynet.supervision.models import AppendOnlyModel


class Fund(models.Model):
    township = models.OneToOneField(Area, models.PROTECT, primary_key=True, related_name="standby_fund",
                                    verbose_name=_("乡镇（街道）"))  # fmt: skip
    balance_fen = models.BigIntegerField(_("余额（分）"), default=0)
    opened_at = models.DateTimeField(_("建立时间"), default=timezone.now)

    class Meta:
        ordering = ["township_id"]
        verbose_name = verbose_name_plural = _("临时救助备用金")
        constraints = [models.CheckConstraint(condition=models.Q(balance_fen__gte=0), name="fund_balance_not_negative")]

    def __str__(self) -> str:
        return f"{self.township.name}备用金"


class FundEntry(AppendOnlyModel):
    class Kind(models.TextChoices):
        ALLOCATE = "allocate", _("县级拨付")
        DRAW = "draw", _("支出")
        RETURN = "return", _("退回")
        ADJUST = "adjust", _("调整")

    id = models.BigAutoField(primary_key=True)
    fund = models.ForeignKey(Fund, models.PROTECT, related_name="entries", verbose_name=_("备用金"))
    kind = models.CharField(_("类别"), max_length=8, choices=Kind.choices)
    on = models.DateField(_("日期"))
    # Signed: what the entry adds to the balance (a draw is negative).
    amount_fen = models.BigIntegerField(_("金额（分）"))
    balance_after_fen = models.BigIntegerField(_("余额（分）"))
    case = models.ForeignKey(Case, models.PROTECT, null=True, blank=True, related_name="fund_entries",
                             verbose_name=_("案件"))  # fmt: skip
    purpose = models.CharField(_("用途"), max_length=200, blank=True)
    receipt = models.CharField(_("收据编号"), max_length=40, blank=True)
    document = models.CharField(_("拨付文号"), max_length=60, blank=True)
    reason = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+",
                                    verbose_name=_("经办人"))  # fmt: skip
    recorded_at = models.DateTimeField(_("记账时间"), default=timezone.now)

    append_only_name = "备用金账目"

    class Meta:
        ordering = ["fund_id", "id"]
        verbose_name = verbose_name_plural = _("备用金账目")
        indexes = [models.Index(fields=["fund", "on"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(balance_after_fen__gte=0),
                                   name="fund_entry_balance_not_negative"),
            # Money in is positive, money out negative, a correction anything but zero.
            models.CheckConstraint(
                condition=(models.Q(kind__in=("allocate", "return"), amount_fen__gt=0)
                           | models.Q(kind="draw", amount_fen__lt=0)
                           | (models.Q(kind="adjust") & ~models.Q(amount_fen=0))),
                name="fund_entry_sign_by_kind",
            ),
            # An allocation names its document, an adjustment its reason, a draw its purpose.
            models.CheckConstraint(
                condition=(~models.Q(kind="allocate") | ~models.Q(document=""))
                & (~models.Q(kind="adjust") | ~models.Q(reason=""))
                & (~models.Q(kind="draw") | ~models.Q(purpose="")),
                name="fund_entry_says_why",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.amount_fen}"

    @property
    def in_fen(self) -> int | None:
        """What came in (a positive amount), else None."""
        return self.amount_fen if self.amount_fen > 0 else None

    @property
    def out_fen(self) -> int | None:
        """What went out, as a positive number, else None."""
        return -self.amount_fen if self.amount_fen < 0 else None
