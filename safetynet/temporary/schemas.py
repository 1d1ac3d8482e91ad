"""The API's bodies of temporary assistance: the registration and each step (the frame's
``cases.schemas.StepIn`` with the fields the page's form asks). Amounts are strings ("3000.00")."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from safetynet.cases.schemas import Note, Required, StepIn
from safetynet.temporary.models import Cause, Kind, Method
from safetynet.web.inputs import Day, Id, text

Money = text(20)
OptionalMoney = text(20, required=False)
Short = text(40, required=False)
Receipt = text(40, required=False)


class HelpFirstIn(StepIn):
    amount: Money = Field(description="先行救助金额（元），如 \"2000.00\"；不超过政策测算金额和乡镇审批权限")
    method: Literal[tuple(Method.values)] = Field(description="cash 备用金现金发放、transfer 备用金转账")
    time: str = Field(pattern=r"^([01]?\d|2[0-3]):[0-5]\d$", description="发放时间 HH:MM（与 on 合为先行救助时间）")
    receipt: Receipt = Field("", description="收据或转账凭证号（现金发放必填）")


class GrantIn(StepIn):
    amount: Money = Field(description="批准金额（元）：不超过政策测算金额；超过乡镇审批权限的须报县级审批")
    opinion: Required = Field(description="审核意见")


class ReferIn(StepIn):
    amount: Money = Field(description="报请县级审批的金额（元），超过乡镇审批权限")
    opinion: Required = Field(description="乡镇审核意见")


class CountyGrantIn(StepIn):
    amount: OptionalMoney = Field("", description="批准金额（元）；不填按乡镇报请金额")
    opinion: Required = Field(description="县级审批意见")


class CountyRefuseIn(StepIn):
    reasons: Required = Field(description="不予批准理由")
    opinion: Required = Field(description="县级审批意见")


class PayCashIn(StepIn):
    receipt: text(40) = Field(description="现金发放收据号")


class ReportIn(Schema):
    model_config = ConfigDict(extra="forbid")

    household: Id
    applicant: Id
    kind: Literal[tuple(Kind.values)] = Field(description="emergency 急难型、spending 支出型")
    cause: Literal[tuple(Cause.values)]
    occurred_on: Day
    reported_at: datetime = Field(
        description="求助登记时间（带时区，如 2024-03-04T10:00:00+08:00）；先行救助时限自此起算")
    reported_by_name: Short = ""
    reported_by_relation: Short = ""
    from_elsewhere: bool = False
    description: Note = ""
    requested: OptionalMoney = ""
    spending: OptionalMoney = Field("", description="支出型：刚性支出（元）")
    reimbursed: OptionalMoney = ""
    other_assistance: OptionalMoney = ""
    months_without_income: int | None = Field(None, ge=0, le=120,
                                              description="2020 年一次性救助（unemployed）：连续无收入月数")
    unemployment_insurance: bool | None = Field(None, description="2020 年一次性救助（unemployed）：是否领取失业保险金")
    from_case: Id | None = Field(None, description="申请期间先行救助的低保、特困案件")


class ApplicationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    programme: Literal["dibao", "tekun"] = "dibao"
    on: Day


class TemporaryOut(Schema):
    case: int
    kind: str
    cause: str
    occurred_on: date
    reported_at: datetime
    reported_by_name: str
    from_elsewhere: bool
    help_first_path: bool
    help_first_amount: str | None
    help_method: str
    helped_at: datetime | None
    within_hours: bool | None = Field(description="先行救助是否在时限内（发放时记录）")
    hours: int | None
    papers_due_on: date | None
    proposed_amount: str | None
    granted_amount: str | None
    fund_paid: str
    owed: str | None = Field(description="尚待发放（由发放名册或备用金现金发放）")
    from_case: int | None
    dibao_case: int | None
