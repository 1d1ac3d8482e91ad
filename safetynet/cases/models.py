"""Applications of every programme (``cases.programmes``) and their workflow, as a state machine.

``TRANSITIONS`` is the one table of what may follow what; each transition is one function in
``services``. A case carries its area (the household's village code) for scoping, a version
for optimistic concurrency, and the due date of its open step.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safetynet.registry.models import Household, Person


class Programme(models.TextChoices):
    DIBAO = "dibao", _("最低生活保障")
    TEKUN = "tekun", _("特困人员救助供养")
    TEMPORARY = "temporary", _("临时救助")
    # Children's allowances (儿童-2019) and education aid (seed), declared on the frame (issue 11).
    ORPHAN = "orphan", _("孤儿基本生活保障")
    UNSUPPORTED_CHILD = "unsupported_child", _("事实无人抚养儿童基本生活补贴")
    EDUCATION_AID = "education_aid", _("教育救助（助学）")


class State(models.TextChoices):
    PRECHECK = "precheck", _("核对中")
    ACCEPTED = "accepted", _("已受理")
    INVESTIGATED = "investigated", _("已入户调查")
    NOTICE = "notice", _("公示中")
    REFUSED = "refused", _("不予确认")
    APPROVED = "approved", _("保障中")
    REVIEW = "review", _("复核中")
    SUSPENDED = "suspended", _("暂停")
    ENDING = "ending", _("终止公示中")
    GRADUATED_EXIT = "graduated_exit", _("渐退期")
    TERMINATED = "terminated", _("已终止")
    WITHDRAWN = "withdrawn", _("已撤回")
    # Temporary assistance: help first and papers after, the county above the township's limit,
    # paid once.
    REPORTED = "reported", _("已登记求助")
    HELPED = "helped", _("已先行救助（待补齐材料）")
    COUNTY = "county", _("待县级审批")
    GRANTED = "granted", _("已批准（待发放）")
    PAID = "paid", _("已发放（办结）")


# transition -> (states it may start from, state it leads to, roles that may take it)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str, tuple[str, ...]]] = {
    "accept": (("precheck", "helped"), "accepted", ("clerk",)),
    "record_home_visit": (("accepted",), "investigated", ("clerk", "approver", "county")),
    "approve": (("investigated",), "notice", ("approver",)),
    "refuse": (("investigated",), "refused", ("approver",)),
    "object": (("notice",), "accepted", ("clerk", "approver")),
    "close_notice": (("notice",), "approved", ("approver",)),
    "start_review": (("approved",), "review", ("clerk", "approver")),
    "continue_after_review": (("review",), "approved", ("approver",)),
    "suspend": (("approved", "review"), "suspended", ("approver",)),
    "resume": (("suspended",), "approved", ("approver",)),
    "give_termination_notice": (("approved", "review", "suspended"), "ending", ("approver",)),
    "terminate": (("ending",), "terminated", ("approver",)),
    "start_graduated_exit": (("approved", "review"), "graduated_exit", ("approver",)),
    "end_graduated_exit": (("graduated_exit",), "terminated", ("approver",)),
    "withdraw": (("precheck", "accepted", "investigated", "reported"), "withdrawn", ("clerk",)),
}
# The township's decisions on an application: each carries the approver's opinion (审核意见).
DECISION_TRANSITIONS = ("approve", "refuse")
CLOSED_STATES = ("refused", "terminated", "withdrawn", "paid")
OPEN_STATES = ("precheck", "accepted", "investigated", "notice", "review", "ending", "reported", "helped", "county",
               "granted")


class Case(models.Model):
    programme = models.CharField("救助项目", max_length=20, choices=Programme.choices)
    household = models.ForeignKey(Household, models.PROTECT, related_name="cases", verbose_name="家庭")
    applicant = models.ForeignKey(Person, models.PROTECT, related_name="cases", verbose_name="申请人")
    area_code = models.CharField("村居代码", max_length=12, db_index=True)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.PRECHECK)
    version = models.PositiveIntegerField(default=1)
    # 近亲属备案: an applicant related to a caseworker or cadre gets a county-level home visit.
    staff_relative = models.BooleanField("经办人员或村干部近亲属", default=False)
    county_visit_done = models.BooleanField("县级入户核查已完成", default=False)
    opened_on = models.DateField("核对开始")
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    decision_due_on = models.DateField("审核确认期限", null=True, blank=True)
    due_on = models.DateField("当前环节期限", null=True, blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    decision_month = models.DateField("测算月份", null=True, blank=True)
    monthly_amount_fen = models.BigIntegerField("月保障金（分）", null=True, blank=True)
    assessment = models.JSONField("测算结果", null=True, blank=True)
    # Read from the assessment by the programme's declaration (``Declaration.persons_covered``).
    persons_covered = models.PositiveIntegerField("保障人数", null=True, blank=True)
    notice_starts_on = models.DateField("公示开始", null=True, blank=True)
    notice_ends_on = models.DateField("公示结束", null=True, blank=True)
    approved_on = models.DateField("确认日期", null=True, blank=True)
    entitlement_from = models.DateField("享受起始月份", null=True, blank=True)
    entitlement_until = models.DateField("享受终止月份", null=True, blank=True)
    next_review_on = models.DateField("下次复核", null=True, blank=True)
    refusal_reasons = models.TextField("不予确认理由", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "审核确认案件"
        indexes = [
            models.Index(fields=["area_code", "state"]), models.Index(fields=["state", "due_on"]),
            # The lists of open cases by due date (desk, deadline board, my tasks): read in order, a
            # page at a time, without sorting the city's open cases for each page.
            models.Index(fields=["due_on", "id"], condition=models.Q(state__in=OPEN_STATES), name="case_open_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(monthly_amount_fen__gte=0) | models.Q(monthly_amount_fen__isnull=True),
                name="case_amount_not_negative",
            ),
            # One live dibao case per household, one live tekun case per person.
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(programme="dibao") & ~models.Q(state__in=CLOSED_STATES),
                name="one_live_dibao_case_per_household",
            ),
            models.UniqueConstraint(
                fields=["applicant"],
                condition=models.Q(programme="tekun") & ~models.Q(state__in=CLOSED_STATES),
                name="one_live_tekun_case_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_programme_display()} #{self.pk}"

    @property
    def township_code(self) -> str:
        return self.area_code[:9]

    @property
    def latest_decision_event(self) -> CaseEvent | None:
        """The latest approval or refusal on the timeline (read from prefetched events if any)."""
        decisions = [e for e in self.events.all() if e.transition in DECISION_TRANSITIONS]
        return max(decisions, key=lambda e: (e.at, e.id)) if decisions else None

    @property
    def latest_decision_opinion(self) -> str:
        """The approver's opinion (审核意见) of the latest decision: ``data["opinion"]`` of its event."""
        event = self.latest_decision_event
        return event.opinion if event else ""


class CaseEvent(models.Model):
    """One step of the timeline: who did what, when, from which state to which."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    on = models.DateField("办理日期")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True)
    transition = models.CharField(max_length=32)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict)
    # An approval the latest department-data check said "not eligible" for, on the approver's
    # written opinion: the county sees and counts them.
    overrides_check = models.BooleanField("不符合核对结论而确认", default=False, db_index=True)
    # The case as this step left it, so that a figure "as of" a past day reads the history
    # (the last step on or before that day), never today's case.
    persons_covered = models.PositiveIntegerField("保障人数", null=True, blank=True)
    monthly_amount_fen = models.BigIntegerField("月保障金（分）", null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        # "The case as of a day" reads each case's last step on or before it; "decisions within
        # the time limit" reads the decisions of a period (reports.figures).
        indexes = [models.Index(fields=["case", "on", "id"], name="caseevent_case_on"),
                   models.Index(fields=["transition", "on"], name="caseevent_transition_on")]

    @property
    def opinion(self) -> str:
        """The approver's opinion (审核意见) written with this step, if any."""
        return str((self.data or {}).get("opinion") or "")


class Authorization(models.Model):
    """授权核对: a person's signed consent to the check of their income and assets."""

    person = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="authorizations")
    id_number = models.CharField("公民身份号码", max_length=18, db_index=True)
    signed_on = models.DateField("签署日期")
    document = models.CharField("授权书编号", max_length=60)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True)


class HomeVisit(models.Model):
    case = models.ForeignKey(Case, models.PROTECT, related_name="visits")
    visited_on = models.DateField("调查日期")
    investigators = models.JSONField("调查人员")
    county_level = models.BooleanField("县级入户", default=False)
    family_signed = models.BooleanField("家庭成员签字", default=False)
    findings = models.TextField("调查情况")


class Objection(models.Model):
    case = models.ForeignKey(Case, models.PROTECT, related_name="objections")
    raised_on = models.DateField("提出日期")
    text = models.TextField("异议内容")


class BackdatedAct(models.Model):
    """补录: a step dated more than the allowed working days before the day it was entered. It
    waits here, with its reason, until a second approver of the township confirms it; only then
    is the step taken (as at its date), or it is refused and nothing happens."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待确认")
        CONFIRMED = "confirmed", _("已确认生效")
        REFUSED = "refused", _("未予确认")

    case = models.ForeignKey(Case, models.PROTECT, related_name="backdated_acts")
    transition = models.CharField("办理事项", max_length=32)
    on = models.DateField("办理日期")
    arguments = models.JSONField("办理内容", default=dict)
    version = models.PositiveIntegerField("提出时的案件版本")
    reason = models.TextField("补录原因")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("提出时间", auto_now_add=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)
    decision_note = models.TextField("确认意见", blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = verbose_name_plural = "补录事项"
        constraints = [
            # One waiting backdated step per case: the second would act on a version the first changes.
            models.UniqueConstraint(fields=["case"], condition=models.Q(status="pending"), name="one_pending_backdate"),
        ]
