"""The API's bodies for the children's and education aid's own steps and openings."""

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict, Field

from safetynet.cases.schemas import Note, Required, StepIn
from safetynet.web.inputs import Day, Id, text


class OpinionIn(StepIn):
    opinion: Required = Field(description="审核意见")


class OptionalOpinionIn(StepIn):
    opinion: Note = Field("", description="审批意见")


class ReasonsIn(StepIn):
    reasons: Required = Field(description="不予批准（不予助学）理由")


class ChildApplicationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    household_id: Id
    applicant_id: Id = Field(description="儿童（家庭成员）")
    father: text(24) = Field(description="父亲情形：present、dead、missing、severe_disability …")
    mother: text(24) = Field(description="母亲情形")
    placement: text(16) = Field("dispersed", description="dispersed（社会散居）或 concentrated（机构集中养育）")
    full_time_study: bool = False
    documents: Required = Field(description="申请材料（死亡证明、判决书、残疾证等）")
    guardian_name: text(40, required=False) = ""
    on: Day


class AidApplicationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    student_id: Id
    level: text(24) = Field(description="bachelor、junior_college、higher_vocational、secondary_vocational、master")
    admission_year: int = Field(ge=1950, le=2100)
    family: text(8) = Field(description="dibao、tekun 或 none")
    orphan: bool = False
    enrolled: bool = True
    school: text(80)
    proof: text(120) = Field(description="录取通知书或在校证明（编号）")
    school_year: int | None = Field(None, ge=1950, le=2100, description="学年起始年份；缺省按申请日期")
    on: Day


class OpenedOut(Schema):
    id: int
    programme: str
    state: str
    version: int
    assessment: dict

