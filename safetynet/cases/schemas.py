"""The API's bodies for the case steps: one schema per kind of step, as the page has one form
per kind (``forms.py``); ``steps.py`` names each step's. Unknown fields are refused."""

from __future__ import annotations

from ninja import Field, Schema
from pydantic import ConfigDict

from safetynet.cases.services import MAX_INVESTIGATORS, MAX_TEXT
from safetynet.web.inputs import Day, Id, text

# Texts are a page at most; the services check the same for the pages.
Note, Required, Investigator = text(MAX_TEXT, required=False), text(MAX_TEXT), text(40)


class StepIn(Schema):
    """What every step asks: the date it was done and the case's version the caller saw."""

    model_config = ConfigDict(extra="forbid")

    version: Id = Field(description="案件的当前版本：两人同时办理时只有一人成功（另一人 409）")
    on: Day = Field(description="办理日期，不晚于今天")
    backdate_reason: Note = Field("", description="补录原因：办理日期早于今天 5 个工作日以上时必填；"
                                  "此时答复 202，经本乡镇另一名审核人员确认后生效")


class HomeVisitIn(StepIn):
    investigators: list[Investigator] = Field([], max_length=MAX_INVESTIGATORS, description="调查人员，至少两名")
    family_signed: bool = Field(False, description="在场家庭成员已签字（必须）")
    findings: Note = ""
    county_level: bool = Field(False, description="县级入户调查（近亲属备案的案件必须）")


class ObjectionIn(StepIn):
    text: Required = Field(description="异议内容")


class ReasonIn(StepIn):
    reason: Note = ""


class TerminationNoticeIn(StepIn):
    reason: Required = Field(description="终止原因")
    # Each programme's own list (``Declaration.causes``): the service checks the code.
    cause: text(40, required=False) = Field("", description="终止情形代码（按项目：低保、特困见 policy.exits.CAUSES；"
                                            "疫情防控期间暂停低保退出时须为特殊情形）")


class GraduatedExitIn(StepIn):
    months: int = Field(ge=1, le=120, description="渐退月数（范围为参数 graduated_exit_months，按办理日期）")


class ApproveIn(StepIn):
    opinion: Required = Field(description="审核意见")


class RefuseIn(StepIn):
    reasons: Required = Field(description="不予确认理由")
    opinion: Required = Field(description="审核意见")
