"""The support mode as part of the tekun decision (issue 11, point 1: "the mode is part of the
decision and of the figures"): 集中供养 in a support institution of the person's county with a
free bed, or 分散供养 at home.

- **The approval.** Care registers its part of the shared approval step (``programmes.StepPart``):
  the approver of a tekun case chooses the mode (and the institution) beside the opinion; the
  decision's event records it (``data["support"]``), the approval letter states it, and the
  placement is written from it in the decision's transaction. Without a mode the approval is
  refused, the message beside the field.
- **A later change** (admission, transfer, leaving the institution for home) is its own decision
  step on the approved case, ``change_support``: the township approver's, asked first, audited
  (``case.change_support``), its event recording the new and the previous mode.

``register()`` is called from ``CareConfig.ready()``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from django import forms as django_forms
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema

from safetynet.care import services
from safetynet.care.models import Mode
from safetynet.cases import forms as case_forms
from safetynet.cases import programmes, schemas
from safetynet.cases.models import Case, CaseEvent
from safetynet.web import clock
from safetynet.web.inputs import text

STEP = "change_support"
LABEL = "变更供养方式"
QUESTION = _("变更供养方式是对本案的决定，将记入案件并据此办理入住、转院或回家分散供养。确定变更吗？")


def _institutions(case: Case) -> list[tuple[str, str]]:
    """The institutions of the person's county, each with its beds and residents today (a full
    one is shown as full; the service refuses it)."""
    from safetynet.care import selectors

    homes = list(selectors.institutions_for(case.area_code[:6]))
    counts = selectors.residents_by_institution(homes, clock.today())
    out = [("", "—")]
    for h in homes:
        n = counts.get(h.pk, 0)
        state = _("已满") if n >= h.capacity else _("空余 %(n)s 张") % {"n": h.capacity - n}
        out.append((str(h.pk), _("%(name)s（床位 %(beds)s 张，在住 %(residents)s 人，%(state)s）") % {
            "name": h.name, "beds": h.capacity, "residents": n, "state": state}))  # fmt: skip
    return out


def support_fields(case: Case) -> dict:
    """The mode and the institution, as form fields (the service says what is missing, beside them)."""
    return {
        "support_mode": django_forms.ChoiceField(label=_("供养方式"), required=False,
                                                 choices=[("", "—"), *Mode.choices]),  # fmt: skip
        "institution": django_forms.ChoiceField(label=_("供养服务机构（集中供养时选择）"), required=False,
                                                choices=_institutions(case)),  # fmt: skip
    }


class SupportIn(Schema):
    support_mode: Literal["", "concentrated", "dispersed"] | None = Field(
        None, description="特困人员供养方式（审核确认特困人员供养案件时必填）：concentrated 集中供养、"
                          "dispersed 分散供养")
    institution: int | None = Field(
        None, description="集中供养的供养服务机构（GET /api/v1/care/institutions 的 id）：本县（市、区）的、"
                          "有空余床位的")


def _check(actor, case: Case, on, values: dict) -> tuple[dict, list]:
    return services.support_errors(case, on, values.get("support_mode") or "", values.get("institution"))


def _apply(actor, case: Case, event: CaseEvent, recorded: dict) -> None:
    services.write_placement(actor, case, recorded["support"], event)


APPROVAL_PART = programmes.StepPart(fields=support_fields, schema=SupportIn, check=_check, apply=_apply)


# ---- the change of support mode: a decision step ----------------------------------------------


class ChangeSupportForm(case_forms.StepForm):
    # the same fields as the approval's part (``support_fields``), the institutions of the case's county
    support_mode = django_forms.ChoiceField(label=_("供养方式"), required=False, choices=[("", "—"), *Mode.choices])
    institution = django_forms.ChoiceField(label=_("供养服务机构（集中供养时选择）"), required=False)
    reason = django_forms.CharField(label=_("变更原因"), max_length=200, required=False,
                                    widget=django_forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    care_acknowledged = django_forms.BooleanField(
        label=_("已知悉：完全丧失生活自理能力的对象改为分散供养，变更后即确定照料护理人并签订照料服务协议"),
        required=False)  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.case is not None:
            self.fields.update(support_fields(self.case))
        self.order_fields(["version", "on", "support_mode", "institution", "care_acknowledged", "reason"])


class ChangeSupportIn(schemas.StepIn):
    support_mode: Literal["concentrated", "dispersed"] = Field(description="新的供养方式")
    institution: int | None = Field(None, description="集中供养的供养服务机构（本县、有空余床位）")
    reason: text(200) = Field(description="变更原因（入住、转院、回家分散供养的原因）")
    care_acknowledged: bool = Field(False, description="完全丧失生活自理能力、尚无照料护理人的对象改为分散供养时必须为"
                                                      " true：已知悉变更后即确定照料护理人并签订照料服务协议")


# ---- the letter ------------------------------------------------------------------------------


def support_text(support: dict | None) -> str:
    """The mode in the words of a letter: 集中供养（唐口街道敬老院） / 分散供养."""
    if not support or support.get("mode") not in Mode.values:
        return ""
    where = f"（{support['institution_name']}）" if support.get("institution_name") else ""
    return f"{'集中供养' if support['mode'] == Mode.CONCENTRATED else '分散供养'}{where}"


def decided_support(case: Case) -> dict | None:
    """The support mode of the case's approval (its latest ``approve`` event), if it recorded one."""
    event = case.events.filter(transition="approve").order_by("-on", "-id").first()
    return (event.data or {}).get("support") if event else None


def _change_letter(case: Case, event: CaseEvent, content: dict) -> dict:
    """The written decision of a change of support mode (变更供养方式决定书): the new mode, the
    previous one, the reason and the day it applies from; the amount is not what it decides."""
    from safetynet.notices.letters import day_text

    data = event.data or {}
    new, old = support_text(data.get("support")), support_text(data.get("previous_support"))
    since = day_text(event.on)
    who = "你" if programmes.get(case.programme).unit == "person" else "你户"
    before = f"由{old}" if old else ""
    why = f"因{event.note.rstrip('。')}，" if event.note else ""
    return dict(
        content, title=f"{content['programme']}供养方式变更决定书", support=new, previous_support=old,
        first_month=since, month_label="变更起始日期", amount="", old_amount="", computation=[], reasons=[],
        body=f"{why}经审核，决定自{since}起{who}的供养方式{before}变更为{new}。",
    )  # fmt: skip


def letter(case: Case, event: CaseEvent, content: dict) -> dict:
    """The tekun approval letter states the support mode the decision gave; a change of mode has
    its own letter."""
    if event.transition == STEP:
        return _change_letter(case, event, content)
    words = support_text(decided_support(case)) if content.get("kind") == "approval" else ""
    if words:
        content = dict(content, support=words, body=f"{content.get('body', '')}供养方式：{words}。")
    return content


def register() -> None:
    from safetynet.care.services import ACTION_NAMES, change_support
    from safetynet.site.templatetags.frame import CONFIRMATIONS

    programmes.register_step(STEP, from_states=("approved",), to_state="approved", roles=("approver",),
                             service=change_support, label=_(ACTION_NAMES[STEP]), form_class=ChangeSupportForm,
                             schema=ChangeSupportIn, inline_errors=True)  # fmt: skip
    tekun = programmes.get("tekun")
    # the change of mode is a decision served in writing: the case's latest letter is then its own
    programmes.register(replace(tekun, steps=tekun.steps | {STEP}, letter=letter,
                                decisions={**tekun.decisions, STEP: "change"}))
    CONFIRMATIONS.setdefault(STEP, QUESTION)
    programmes.register_step_part("tekun", "approve", APPROVAL_PART)
