"""Tekun in practice (特困人员救助供养; POLICY.md §5; seed 000_8a7d024908f0948a): where a person
is supported (集中供养 in a support institution, 分散供养 at home), the caregiver, care agreement and
visits of a person at home (the seed's "五有"), the self-care assessment as a record (特困-2021
Arts. 20-23), and the single-person dibao households that meet the tekun conditions (seed:
逐人排查低保系统中的单人户 … 本人坚持自愿要求享受低保的 … 签订协议并留存备查).

Nothing is deleted: a placement, an agreement or an assessment is ended or followed by another,
with its date, so that "as of" any day can be read.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safetynet.cases.models import Case
from safetynet.registry.models import Area, Person


class Mode(models.TextChoices):
    CONCENTRATED = "concentrated", _("集中供养")
    DISPERSED = "dispersed", _("分散供养")


class Level(models.TextChoices):
    # 特困-2021 Arts. 20-23; the level's one definition is the policy floor's (care.levels).
    SELF_CARE = "self_care", _("具备生活自理能力")
    PARTIAL = "partial", _("部分丧失生活自理能力")
    COMPLETE = "complete", _("完全丧失生活自理能力")


# The six daily activities (特困-2021 Art. 21), in the order of the assessment form.
ACTIVITIES = {
    "eating": _("自主吃饭"),
    "dressing": _("自主穿衣"),
    "bed": _("自主上下床"),
    "toilet": _("自主如厕"),
    "walking": _("室内自主行走"),
    "bathing": _("自主洗澡"),
}


class Institution(models.Model):
    """A support institution (供养服务机构), e.g. a township home for the aged (敬老院)."""

    name = models.CharField("名称", max_length=100)
    county = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name="所在县（市、区）")
    township = models.ForeignKey(Area, models.PROTECT, related_name="+", null=True, blank=True,
                                 verbose_name="所在乡镇（街道）")  # fmt: skip
    capacity = models.PositiveIntegerField("床位数")
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["county_id", "name"]
        verbose_name = verbose_name_plural = "供养服务机构"
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="care_institution_name")]

    def __str__(self) -> str:
        return self.name


class Placement(models.Model):
    """Where the case's person is supported from ``started_on`` until ``ended_on`` (exclusive):
    the admission, a transfer or a change of mode closes the previous placement the same day."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="placements")
    area_code = models.CharField("村居代码", max_length=12, db_index=True)
    mode = models.CharField("供养方式", max_length=12, choices=Mode.choices)
    institution = models.ForeignKey(Institution, models.PROTECT, null=True, blank=True, related_name="placements",
                                    verbose_name="供养服务机构")  # fmt: skip
    started_on = models.DateField("起始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    kind = models.CharField("登记类型", max_length=12)  # admission | transfer | dispersed | ...
    end_reason = models.CharField("结束原因", max_length=200, blank=True)
    # The decision that set it (the approval, or a change of support mode): the mode is part of
    # the decision (issue 11); a placement entered before that rule has none.
    decision = models.ForeignKey("cases.CaseEvent", models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name="决定")  # fmt: skip
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(mode="concentrated", institution__isnull=False)
                           | models.Q(mode="dispersed", institution__isnull=True)),
                name="care_placement_institution_iff_concentrated",
            ),
            models.UniqueConstraint(fields=["case"], condition=models.Q(ended_on__isnull=True),
                                    name="care_one_current_placement"),
        ]  # fmt: skip


class Caregiver(models.Model):
    """照料护理人 of a person supported at home."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="caregivers")
    name = models.CharField("姓名", max_length=40)
    id_number = models.CharField("公民身份号码", max_length=18)
    relation = models.CharField("与供养对象关系", max_length=20)
    phone = models.CharField("联系电话", max_length=20)
    since = models.DateField("起始日期")
    until = models.DateField("结束日期", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["since", "id"]


class Recipient(models.TextChoices):
    PERSON = "person", _("供养对象本人")
    CAREGIVER = "caregiver", _("照料护理人")


class Agreement(models.Model):
    """委托照料协议: the township, the person and the caregiver; its term and duties."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="care_agreements")
    caregiver = models.ForeignKey(Caregiver, models.PROTECT, related_name="agreements", verbose_name="照料护理人")
    number = models.CharField("协议编号", max_length=40)
    parties = models.CharField("协议各方", max_length=200)
    starts_on = models.DateField("协议起始日期")
    ends_on = models.DateField("协议终止日期")
    duties = models.TextField("照料护理职责")
    allowance_to = models.CharField("照料护理费领取人", max_length=12, choices=Recipient.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(ends_on__gt=models.F("starts_on")),
                                              name="care_agreement_term")]  # fmt: skip


class Visit(models.Model):
    """A visit of a person supported at home (定期探访)."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="care_visits")
    visited_on = models.DateField("探访日期")
    visitor = models.CharField("探访人", max_length=60)
    findings = models.TextField("探访情况")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["visited_on", "id"]


class AssessorKind(models.TextChoices):
    THIRD_PARTY = "third_party", _("第三方评估机构")
    TOWNSHIP = "township", _("乡镇人民政府（街道办事处）")


class Assessment(models.Model):
    """A self-care assessment: each of the six activities achieved or not, and the level it gives."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="care_assessments")
    person = models.ForeignKey(Person, models.PROTECT, related_name="care_assessments")
    area_code = models.CharField("村居代码", max_length=12, db_index=True)
    assessed_on = models.DateField("评估日期")
    assessor_kind = models.CharField("评估主体", max_length=12, choices=AssessorKind.choices)
    assessor = models.CharField("评估机构（人员）", max_length=100)
    achieved = models.JSONField("各项活动是否能够完成")  # activity -> bool
    unmet = models.PositiveSmallIntegerField("不能完成的项数")
    level = models.CharField("生活自理能力", max_length=12, choices=Level.choices)
    previous_level = models.CharField("原生活自理能力", max_length=12, choices=Level.choices)
    # The re-decision this assessment led to (its case event), when the level changed.
    decision = models.ForeignKey("cases.CaseEvent", models.PROTECT, null=True, blank=True, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assessed_on", "id"]


class Reassessment(models.Model):
    """A reassessment owed: a reported change of self-care (due within ``tekun_reassessment_limit``
    working days) or a request; closed by the assessment that answers it."""

    class Reason(models.TextChoices):
        CHANGE = "change", _("生活自理能力发生变化")
        REQUEST = "request", _("本人或照料护理人申请")

    case = models.ForeignKey(Case, models.PROTECT, related_name="care_reassessments")
    area_code = models.CharField("村居代码", max_length=12, db_index=True)
    reason = models.CharField("原因", max_length=10, choices=Reason.choices)
    reported_on = models.DateField("报告（申请）日期")
    due_on = models.DateField("评估期限")
    note = models.CharField("说明", max_length=200, blank=True)
    answered_by = models.ForeignKey(Assessment, models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]


class DibaoChoice(models.Model):
    """A single-person dibao household meeting the tekun conditions that stays on dibao by the
    person's signed voluntary choice (seed: 本人坚持自愿要求享受低保的 … 签订协议并留存备查)."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="dibao_choices")
    area_code = models.CharField("村居代码", max_length=12, db_index=True)
    signed_on = models.DateField("签订日期")
    document = models.CharField("协议编号", max_length=40)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)


class Move(models.Model):
    """A single-person dibao household moved to tekun by one decision: the tekun case approved and
    the dibao case's termination posted the same day; completed when both notices have run (the
    dibao ends the month the tekun starts)."""

    dibao = models.OneToOneField(Case, models.PROTECT, related_name="tekun_move")
    tekun = models.OneToOneField(Case, models.PROTECT, related_name="dibao_move")
    area_code = models.CharField("村居代码", max_length=12, db_index=True)
    decided_on = models.DateField("决定日期")
    completed_on = models.DateField("完成日期", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
