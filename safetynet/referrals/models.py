"""Referrals (转介): the township window passes a need to another department with the household's
verified facts, and follows it to the department's answer (一门受理、协同办理, POLICY.md §11;
意见-2020).

A referral carries its area (the household's village code) for scoping like a case, the facts
sent as they were on the day (``facts``: only what ``departments.DEPARTMENTS`` lets that department
see), a due date in working days (parameter ``referral_answer_limit``), and a timeline.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safetynet.cases.models import Case
from safetynet.registry.models import DEPARTMENTS, Household


class State(models.TextChoices):
    SENT = "sent", _("已转介")
    RECEIVED = "received", _("已接收")
    ANSWERED = "answered", _("已办结")
    DECLINED = "declined", _("不予办理")
    WITHDRAWN = "withdrawn", _("已撤回")


# A referral waits for the department in these states; overdue = one of them past its due date.
OPEN_STATES = ("sent", "received")
CLOSED_STATES = ("answered", "declined", "withdrawn")


class Outcome(models.TextChoices):
    """The department's answer; the first two close the referral as done (已办结), the last two
    as not taken up (不予办理)."""

    GRANTED = "granted", _("给予救助（资金）")
    SERVICE = "service", _("给予服务或实物救助")
    NOT_ELIGIBLE = "not_eligible", _("不符合救助条件")
    NOT_COMPETENT = "not_competent", _("不属本部门职责")


OUTCOME_STATES = {"granted": "answered", "service": "answered", "not_eligible": "declined", "not_competent": "declined"}


class Source(models.TextChoices):
    DEPARTMENT = "department", _("部门在系统中答复")
    PAPER = "paper", _("部门书面答复（窗口录入）")


class Referral(models.Model):
    household = models.ForeignKey(Household, models.PROTECT, related_name="referrals", verbose_name="家庭")
    # The case the need came up in (a temporary assistance case, an application), if any.
    case = models.ForeignKey(Case, models.PROTECT, null=True, blank=True, related_name="referrals",
                             verbose_name="来源案件")  # fmt: skip
    area_code = models.CharField("村居代码", max_length=12, db_index=True)
    department = models.CharField("协办部门", max_length=12, choices=DEPARTMENTS)
    category = models.CharField("需求类别", max_length=20)
    need = models.TextField("需求情况")
    need_amount_fen = models.BigIntegerField("涉及金额（分）", null=True, blank=True)
    # What was sent, as it was on the day: the declared fields only (``departments.DEPARTMENTS``).
    facts = models.JSONField("转介家庭信息", default=dict)
    # The registry persons whose data ``facts`` carries, for the access log (never shown).
    person_ids = models.JSONField(default=list)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.SENT)
    sent_on = models.DateField("转介日期")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    due_on = models.DateField("答复期限")
    received_on = models.DateField("接收日期", null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    outcome = models.CharField("办理结果", max_length=16, blank=True, choices=Outcome.choices)
    answer = models.TextField("答复内容", blank=True)
    granted_fen = models.BigIntegerField("救助金额（分）", null=True, blank=True)
    answered_on = models.DateField("答复日期", null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    answer_source = models.CharField("答复方式", max_length=10, blank=True, choices=Source.choices)

    class Meta:
        ordering = ["-sent_on", "-id"]
        verbose_name = verbose_name_plural = "转介"
        indexes = [
            models.Index(fields=["area_code", "state"]),
            models.Index(fields=["department", "state"]),
            # The county's list of open referrals by due date (overdue first).
            models.Index(fields=["due_on", "id"], condition=models.Q(state__in=OPEN_STATES), name="referral_open_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(need_amount_fen__gte=0) | models.Q(need_amount_fen__isnull=True),
                name="referral_need_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(granted_fen__gte=0) | models.Q(granted_fen__isnull=True),
                name="referral_granted_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"转介 #{self.pk}（{self.get_department_display()}）"

    @property
    def township_code(self) -> str:
        return self.area_code[:9]

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def overdue_on(self, today) -> bool:
        """Past its due date and not answered (withdrawn is not overdue)."""
        return self.state in OPEN_STATES and self.due_on < today


class ReferralEvent(models.Model):
    """One step of a referral's timeline: who did what, when, from which state to which."""

    referral = models.ForeignKey(Referral, models.PROTECT, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    on = models.DateField("办理日期")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True)
    action = models.CharField(max_length=16)
    from_state = models.CharField(max_length=10, blank=True)
    to_state = models.CharField(max_length=10)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["at", "id"]
