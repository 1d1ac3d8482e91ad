"""Temporary assistance (临时救助) casework: what a ``cases.Case`` of programme ``temporary`` holds
beyond the frame's columns: the event, the 24 hours of help first, the standby-fund payments,
the grant, and the links to a dibao or tekun application.

The case's state, version, timeline, deadlines and payment schedule are the frame's
(``cases.programmes``); this row is one-to-one with the case and written in the same
transaction as each of its steps.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from safetynet.cases.models import Case
from safetynet.registry.models import Household


class Kind(models.TextChoices):
    # 临救-2018: 急难型 (sudden hardship) and 支出型 (rigid spending beyond the household's means).
    EMERGENCY = "emergency", _("急难型")
    SPENDING = "spending", _("支出型")


class Cause(models.TextChoices):
    # The rules' causes (``safetynet.policy.temporary.CAUSES``; a test holds the two equal).
    # 急难型 (临救-2014; 临救-2018)
    FIRE = "fire", _("火灾")
    TRAFFIC = "traffic", _("交通事故")
    ILLNESS = "illness", _("突发重大疾病或伤害")
    ACCIDENT = "accident", _("其他意外事件")
    # seed; 通知-2020: the 2020 one-off for uninsured unemployed people three months without income
    UNEMPLOYED = "unemployed", _("2020 年未参保失业人员一次性救助")
    # 支出型 (临救-2018)
    MEDICAL = "medical", _("医疗支出")
    EDUCATION = "education", _("教育支出")
    LIVING = "living", _("基本生活支出")


KIND_CAUSES = {
    Kind.EMERGENCY: (Cause.FIRE, Cause.TRAFFIC, Cause.ILLNESS, Cause.ACCIDENT, Cause.UNEMPLOYED),
    Kind.SPENDING: (Cause.MEDICAL, Cause.EDUCATION, Cause.LIVING),
}


class Method(models.TextChoices):
    CASH = "cash", _("备用金现金发放")
    TRANSFER = "transfer", _("备用金转账")


# A refused or withdrawn case leaves its event free to be helped by another case.
RELEASED_STATES = ("refused", "withdrawn")


class TemporaryCase(models.Model):
    case = models.OneToOneField(Case, models.PROTECT, related_name="temporary", verbose_name=_("案件"))
    # The event's key, copied from the case so the database can hold "one event, one case".
    household = models.ForeignKey(Household, models.PROTECT, related_name="temporary_cases", verbose_name=_("家庭"))
    kind = models.CharField(_("救助类型"), max_length=10, choices=Kind.choices)
    cause = models.CharField(_("致困原因"), max_length=16, choices=Cause.choices)
    occurred_on = models.DateField(_("发生日期"))
    # False once the case is refused or withdrawn (kept in step by a signal on the case's save).
    event_live = models.BooleanField(default=True)
    description = models.TextField(_("困难情况"), blank=True)

    # The report: the 24 hours of help first run from it.
    reported_at = models.DateTimeField(_("求助登记时间"))
    reported_by_name = models.CharField(_("报告人"), max_length=40, blank=True)
    reported_by_relation = models.CharField(_("报告人身份"), max_length=40, blank=True)
    from_elsewhere = models.BooleanField(_("非本地户籍（在急难发生地救助）"), default=False)
    help_first_path = models.BooleanField(_("先行救助程序"), default=False)

    # What is asked, and for 支出型 what the spending was and what covered part of it.
    requested_fen = models.BigIntegerField(_("申请金额（分）"), null=True, blank=True)
    spending_fen = models.BigIntegerField(_("刚性支出（分）"), null=True, blank=True)
    reimbursed_fen = models.BigIntegerField(_("医保等报销（分）"), null=True, blank=True)
    other_assistance_fen = models.BigIntegerField(_("其他救助、帮扶（分）"), null=True, blank=True)
    # The 2020 one-off (cause ``unemployed``): as the person declares it.
    months_without_income = models.PositiveSmallIntegerField(_("连续无收入月数"), null=True, blank=True)
    unemployment_insurance = models.BooleanField(_("领取失业保险金"), null=True, blank=True)

    # Help first (先行救助), from the township's standby fund.
    help_first_fen = models.BigIntegerField(_("先行救助金额（分）"), null=True, blank=True)
    help_method = models.CharField(_("发放方式"), max_length=10, choices=Method.choices, blank=True)
    help_receipt = models.CharField(_("收据或转账凭证号"), max_length=40, blank=True)
    helped_at = models.DateTimeField(_("先行救助时间"), null=True, blank=True)
    within_hours = models.BooleanField(_("在时限内先行救助"), null=True, blank=True)
    help_hours = models.PositiveSmallIntegerField(_("先行救助时限（小时）"), null=True, blank=True)
    papers_due_on = models.DateField(_("补齐材料期限"), null=True, blank=True)

    # The decision, and what the fund has paid towards it (help first, then any cash rest).
    proposed_fen = models.BigIntegerField(_("报县级审批金额（分）"), null=True, blank=True)
    granted_fen = models.BigIntegerField(_("批准金额（分）"), null=True, blank=True)
    fund_paid_fen = models.BigIntegerField(_("备用金已支付（分）"), default=0)
    cash_receipt = models.CharField(_("现金发放收据号"), max_length=40, blank=True)

    # 视情先给予临时救助，再按照规定程序进行审批 (seed): the application it helps while it runs,
    # and the dibao or tekun application opened from it.
    from_case = models.ForeignKey(Case, models.PROTECT, null=True, blank=True, related_name="temporary_help",
                                  verbose_name=_("申请期间救助的低保、特困案件"))
    dibao_case = models.ForeignKey(Case, models.PROTECT, null=True, blank=True, related_name="temporary_origin",
                                   verbose_name=_("由此转入的低保、特困申请"))

    class Meta:
        verbose_name = verbose_name_plural = _("临时救助案件")
        constraints = [
            # One event is paid once (issue 10; POLICY.md §6): the same household, cause and day
            # among the cases not refused or withdrawn.
            models.UniqueConstraint(fields=["household", "cause", "occurred_on"], condition=models.Q(event_live=True),
                                    name="one_temporary_case_per_event"),
            models.CheckConstraint(condition=models.Q(fund_paid_fen__gte=0), name="temporary_fund_paid_not_negative"),
            models.CheckConstraint(condition=models.Q(granted_fen__gte=0) | models.Q(granted_fen__isnull=True),
                                   name="temporary_granted_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_cause_display()} {self.occurred_on:%Y-%m-%d}"
