"""Entitlements and the monthly payroll.

An ``Entitlement`` is what a case is owed per month over a period, with the case event (the
decision) that set it. A ``Payment`` is one line of one month's payroll (``PayrollRun``, per
township and programme). What a line pays is always "owed for that month less already paid for
it", so a late decision becomes back pay and an overpayment a recovery, by one rule.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetynet.cases.models import Case, CaseEvent
from safetynet.registry.models import Area, Person


class Entitlement(models.Model):
    case = models.ForeignKey(Case, models.PROTECT, related_name="entitlements")
    programme = models.CharField(max_length=20)
    recipient = models.ForeignKey(Person, models.PROTECT, related_name="entitlements", verbose_name=_("领取人"))
    area_code = models.CharField(max_length=12, db_index=True)
    starts = models.DateField(_("起始月份"))
    ends = models.DateField(_("终止月份（不含）"), null=True, blank=True)
    monthly_amount_fen = models.BigIntegerField(_("月金额（分）"))
    set_by = models.ForeignKey(CaseEvent, models.PROTECT, related_name="+", verbose_name=_("依据的决定"))
    reason = models.CharField(_("说明"), max_length=100)

    class Meta:
        ordering = ["case_id", "starts"]
        constraints = [
            models.CheckConstraint(condition=models.Q(monthly_amount_fen__gte=0), name="entitlement_not_negative"),
            models.UniqueConstraint(fields=["case", "starts"], name="one_entitlement_per_case_and_start"),
        ]


class PayrollRun(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("待审核")
        APPROVED = "approved", _("已审核")
        LOCKED = "locked", _("已锁定")
        CANCELLED = "cancelled", _("已作废")

    month = models.DateField(_("发放月份"))
    township = models.ForeignKey(Area, models.PROTECT, related_name="payroll_runs", verbose_name=_("乡镇（街道）"))
    programme = models.CharField(_("救助项目"), max_length=20)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # When the month's run was first computed: a payroll computed since may have counted its lines.
    created_at = models.DateTimeField(default=timezone.now)
    computed_at = models.DateTimeField(null=True)
    # Separation of duties: whoever computed the run does not approve it.
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    approved_at = models.DateTimeField(null=True)
    lines = models.PositiveIntegerField(default=0)
    total_fen = models.BigIntegerField(default=0)
    # Once the bank file has left the office the money may be on its way: the run can no longer
    # be cancelled, only corrected by the next month's back pay or recovery.
    exported_at = models.DateTimeField(_("银行文件导出时间"), null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("作废原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["-month", "township_id", "programme"]
        constraints = [
            # A cancelled run stays on file beside the one that replaces it.
            models.UniqueConstraint(fields=["month", "township", "programme"], condition=~models.Q(status="cancelled"),
                                    name="one_payroll_per_month_township"),
        ]


class Payment(models.Model):
    class Kind(models.TextChoices):
        REGULAR = "regular", _("当月")
        BACK_PAY = "back_pay", _("补发")
        RECOVERY = "recovery", _("追回")
        PRICE_SUBSIDY = "price_subsidy", _("价格临时补贴")

    run = models.ForeignKey(PayrollRun, models.PROTECT, related_name="payments")
    case = models.ForeignKey(Case, models.PROTECT, related_name="payments")
    # No index on ``recipient`` or ``decision`` (their foreign keys stay): nothing reads lines by
    # them, and each index was upkeep on every line written (benchmarks/payroll.py). A person or a
    # decision is never deleted; were one, the check that refuses it would scan the lines.
    recipient = models.ForeignKey(Person, models.PROTECT, related_name="payments", db_index=False)
    programme = models.CharField(max_length=20)
    month = models.DateField(_("发放月份"))
    for_month = models.DateField(_("所属月份"))
    kind = models.CharField(max_length=16, choices=Kind.choices)
    amount_fen = models.BigIntegerField(_("金额（分）"))
    # The decision behind the amount: a case event, kept for good (entitlements are rebuilt).
    decision = models.ForeignKey(CaseEvent, models.PROTECT, null=True, related_name="+", verbose_name=_("依据的决定"),
                                 db_index=False)
    reason = models.CharField(_("说明"), max_length=120)
    # What the bank's return file said: a failed line is owed again and paid in the next run.
    bank_status = models.CharField(_("银行结果"), max_length=8, default="pending",
                                   choices=[("pending", _("待发放")), ("paid", _("已到账")), ("failed", _("失败"))])
    bank_note = models.CharField(_("银行说明"), max_length=100, blank=True)
    # Copied from the run when it is cancelled, so that the constraints below (which cannot see
    # the run's status) leave a cancelled line out and its month can be paid by a new run.
    cancelled = models.BooleanField(default=False, db_default=False)

    class Meta:
        constraints = [
            # Exactly one regular payment per case, programme and month: a re-run or a resumed
            # run cannot pay twice. Adjustments for a past month: at most one per payroll month.
            models.UniqueConstraint(fields=["case", "programme", "for_month"],
                                    condition=models.Q(kind="regular", cancelled=False),
                                    name="one_regular_payment_per_case_and_month"),
            models.UniqueConstraint(fields=["case", "programme", "for_month", "month", "kind"],
                                    condition=~models.Q(kind="regular") & models.Q(cancelled=False),
                                    name="one_adjustment_per_payroll_month"),
        ]
        # No index of its own on ``run``: the foreign key's index serves it (a second one was
        # upkeep on every line written, for nothing).


class PriceIndex(models.Model):
    """The month's consumer price indices, year on year, as the city enters them."""

    month = models.DateField(_("月份"), unique=True)
    cpi_yoy = models.DecimalField(_("居民消费价格指数同比涨幅（%）"), max_digits=5, decimal_places=2)
    food_cpi_yoy = models.DecimalField(_("食品价格指数同比涨幅（%）"), max_digits=5, decimal_places=2)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)
