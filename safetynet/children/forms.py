"""The pages' forms of children's allowances and education aid: their own steps on the case page,
and the window's applications (each error beside its field; the services check the rest)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from safetynet.cases.forms import StepForm, _text
from safetynet.children.models import Family, Level, ParentState, Placement
from safetynet.children.services import is_minor


class OpinionForm(StepForm):
    opinion = _text(_("审核意见"), _("请填写审核意见"))


class OptionalOpinionForm(StepForm):
    opinion = _text(_("审批意见"), required=False)


class ReasonsForm(StepForm):
    reasons = _text(_("不予批准理由"), _("请填写理由"))


class CountyAidReasonsForm(StepForm):
    reasons = _text(_("不予确认理由"), _("请填写理由"))


# ---- the window's applications (受理) ----------------------------------------------------------

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"required": _("请填写日期"), "invalid": _("日期格式应为 年-月-日，如 2024-03-04")}
PICK = {"invalid_choice": _("请从列表中选择")}


def _pick(label, required_message, choices, **kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, error_messages={"required": required_message, **PICK},
                             **kwargs)  # fmt: skip


def _members(household, keep=lambda person: True) -> list[tuple[str, str]]:
    members = [p for p in household.members.all() if p.left_on is None and keep(p)]
    return [("", "—")] + [(str(p.pk), f"{p.name}（{p.get_relation_display()}，{p.birth_date:%Y-%m-%d} 出生）")
                          for p in members]  # fmt: skip


class ChildApplicationForm(forms.Form):
    """孤儿、事实无人抚养儿童申请: the child, each parent's condition (儿童-2019), the placement, the
    guardian and the papers the window received. The category follows from the parents' states."""

    applicant = forms.TypedChoiceField(label=_("儿童"), coerce=int,
                                       error_messages={"required": _("请选择申请的儿童"), **PICK})  # fmt: skip
    father = _pick(_("父亲情形"), _("请选择父亲情形"), [("", "—"), *ParentState.choices])
    mother = _pick(_("母亲情形"), _("请选择母亲情形"), [("", "—"), *ParentState.choices])
    placement = _pick(_("养育方式"), _("请选择养育方式"), Placement.choices, widget=forms.RadioSelect,
                      initial=Placement.DISPERSED)  # fmt: skip
    full_time_study = forms.BooleanField(label=_("年满 18 周岁后仍在全日制学校就读"), required=False)
    guardian_name = forms.CharField(label=_("监护人（代理人）姓名"), max_length=40, required=False,
                                    error_messages={"max_length": _("最多 40 个字")})  # fmt: skip
    documents = forms.CharField(
        label=_("申请材料"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如父母死亡证明、宣告失踪判决书、残疾证、刑事判决书、强制隔离戒毒决定书等"),
        error_messages={"required": _("请填写收到的申请材料"), "max_length": _("最多 500 个字")},
    )  # fmt: skip
    on = forms.DateField(label=_("受理日期"), widget=DATE, error_messages=DATE_ERRORS)

    def __init__(self, *args, household, today, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the members under 18 on the application date (the posted one, else today): an
        # adult is never a new child's application.
        try:
            on = date.fromisoformat(str(self.data.get("on") or ""))
        except ValueError:
            on = today
        self.fields["applicant"].choices = _members(household, lambda p: is_minor(p, on))


class AidApplicationForm(forms.Form):
    """助学申请: the student, the family's category, the level of study or the orphan's aid, the
    admission notice or the proof of enrolment and the school year."""

    student = forms.TypedChoiceField(label=_("学生"), coerce=int,
                                     error_messages={"required": _("请选择申请的学生"), **PICK})  # fmt: skip
    family = _pick(_("家庭类别"), _("请选择家庭类别"), Family.choices, widget=forms.RadioSelect)
    orphan = forms.BooleanField(label=_("孤儿（年满 18 周岁，福彩圆梦·孤儿助学）"), required=False)
    level = _pick(_("学历层次"), _("请选择学历层次"), [("", "—"), *Level.choices])
    admission_year = forms.IntegerField(
        label=_("入学年份"), min_value=1950, max_value=2100,
        error_messages={"required": _("请填写入学年份"), "invalid": _("请填写四位数年份，如 2024"),
                        "min_value": _("年份应在 1950 至 2100 之间"), "max_value": _("年份应在 1950 至 2100 之间")},
    )  # fmt: skip
    school = forms.CharField(label=_("学校"), max_length=80,
                             error_messages={"required": _("请填写学校名称"), "max_length": _("最多 80 个字")})
    proof = forms.CharField(
        label=_("录取通知书或在校证明"), max_length=120,
        help_text=_("新生填录取通知书编号，在校生填在校证明（学籍证明）"),
        error_messages={"required": _("请填写录取通知书或在校证明"), "max_length": _("最多 120 个字")},
    )  # fmt: skip
    enrolled = forms.BooleanField(label=_("在校就读（未休学、未退学）"), required=False, initial=True)
    school_year = forms.IntegerField(
        label=_("学年（起始年份）"), required=False, min_value=1950, max_value=2100,
        help_text=_("不填则按受理日期所在学年；入学当年 9 月 1 日前持录取通知书申请的，计入入学当年开始的学年"),
        error_messages={"invalid": _("请填写四位数年份，如 2024"), "min_value": _("年份应在 1950 至 2100 之间"),
                        "max_value": _("年份应在 1950 至 2100 之间")},
    )  # fmt: skip
    on = forms.DateField(label=_("受理日期"), widget=DATE, error_messages=DATE_ERRORS)

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].choices = _members(household)
