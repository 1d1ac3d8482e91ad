"""Children's allowances (孤儿、事实无人抚养儿童, 儿童-2019) and education aid (助学, seed): what a
``cases.Case`` of programme ``orphan``, ``unsupported_child`` or ``education_aid`` holds beyond the
frame's columns, one-to-one with the case and written in the same transaction as its steps.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from safetynet.cases.models import Case
from safetynet.registry.models import Person


class ParentState(models.TextChoices):
    # 儿童-2019 (safetynet.policy.children.PARENT_STATES; a test holds the two equal).
    PRESENT = "present", _("在世且能履行抚养义务")
    DEAD = "dead", _("死亡")
    MISSING = "missing", _("宣告失踪")
    SEVERE_DISABILITY = "severe_disability", _("重残")
    SERIOUS_ILLNESS = "serious_illness", _("重病")
    IMPRISONED = "imprisoned", _("服刑在押")
    DRUG_REHABILITATION = "drug_rehabilitation", _("强制隔离戒毒")
    RESTRICTED_LIBERTY = "restricted_liberty", _("被执行其他限制人身自由的措施")
    SUPPORT_FAILURE = "support_failure", _("不履行抚养义务（有记录）")
    OUT_OF_CONTACT = "out_of_contact", _("失联")


class Placement(models.TextChoices):
    DISPERSED = "dispersed", _("社会散居")
    CONCENTRATED = "concentrated", _("机构集中养育")


class ChildCase(models.Model):
    case = models.OneToOneField(Case, models.CASCADE, related_name="child", primary_key=True)
    father = models.CharField(_("父亲情形"), max_length=24, choices=ParentState.choices)
    mother = models.CharField(_("母亲情形"), max_length=24, choices=ParentState.choices)
    placement = models.CharField(_("养育方式"), max_length=16, choices=Placement.choices)
    full_time_study = models.BooleanField(_("全日制在校就读"), default=False)
    # The papers the window received (death certificates, court rulings, a disability card …).
    documents = models.TextField(_("申请材料"), blank=True)
    guardian_name = models.CharField(_("监护人（代理人）"), max_length=40, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("儿童保障申请")


class Level(models.TextChoices):
    BACHELOR = "bachelor", _("本科")
    JUNIOR_COLLEGE = "junior_college", _("专科")
    HIGHER_VOCATIONAL = "higher_vocational", _("高职")
    SECONDARY_VOCATIONAL = "secondary_vocational", _("中职（中专）")
    MASTER = "master", _("硕士研究生")


class Family(models.TextChoices):
    DIBAO = "dibao", _("低保家庭")
    TEKUN = "tekun", _("特困人员")
    NONE = "none", _("其他")


class AidApplication(models.Model):
    """One student's aid for one school year: one live application per student and school year
    (the seed's "每人每学年"), held by the database; a refused or withdrawn one frees the year."""

    case = models.OneToOneField(Case, models.CASCADE, related_name="aid", primary_key=True)
    student = models.ForeignKey(Person, models.PROTECT, related_name="aid_applications", verbose_name=_("学生"))
    school_year = models.PositiveSmallIntegerField(_("学年（起始年份）"))
    admission_year = models.PositiveSmallIntegerField(_("入学年份"))
    level = models.CharField(_("学历层次"), max_length=24, choices=Level.choices)
    family = models.CharField(_("家庭类别"), max_length=8, choices=Family.choices)
    orphan = models.BooleanField(_("孤儿"), default=False)
    enrolled = models.BooleanField(_("在校就读"), default=True)
    school = models.CharField(_("学校"), max_length=80)
    # The admission notice (新生) or the proof of enrolment (在校生), as the window recorded it.
    proof = models.CharField(_("录取通知书或在校证明"), max_length=120)
    kind = models.CharField(_("助学种类"), max_length=24, blank=True)
    live = models.BooleanField(default=True)

    class Meta:
        verbose_name = verbose_name_plural = _("助学申请")
        constraints = [
            models.UniqueConstraint(fields=["student", "school_year"], condition=models.Q(live=True),
                                    name="aid_once_per_student_school_year"),
        ]  # fmt: skip
