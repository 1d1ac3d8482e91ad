"""The audit trail's codes in words for the auditor's page (the code stays in the record, in the
filter and in the cell's tooltip: an auditor may still filter by ``case.``). The words are
Chinese only: an English page shows the codes, which read as English."""

from __future__ import annotations

from django.utils.translation import get_language

ACTIONS = {
    "api_token.create": "新建接口令牌", "api_token.revoke": "撤销接口令牌",
    "asset.add": "登记财产", "asset.change": "变更财产",
    "audit.verify": "校验审计日志", "authorization.record": "登记授权书",
    "calendar.enter_year": "录入节假日安排",
    "case.accept": "受理申请", "case.approve": "审核确认", "case.backdate_confirm": "确认补录",
    "case.backdate_refuse": "退回补录", "case.backdate_request": "申请补录",
    "case.close_notice": "结束公示并确认",
    "case.continue_after_review": "复核后继续保障", "case.end_graduated_exit": "渐退期满终止",
    "case.give_termination_notice": "发布终止公示", "case.object": "登记公示异议",
    "case.record_home_visit": "登记入户调查", "case.refuse": "不予确认", "case.reprice": "标准调整重新核定",
    "case.resume": "恢复保障", "case.start_graduated_exit": "启动渐退", "case.start_precheck": "发起核对",
    "case.start_review": "启动复核", "case.suspend": "暂停保障", "case.take_over": "接收原系统保障对象",
    "case.terminate": "终止保障", "case.withdraw": "撤回申请",
    "charity.apply": "申报公益创投", "charity.base_register": "登记社会组织孵化基地",
    "charity.decide": "决定公益创投资助", "charity.delivery_record": "登记项目服务",
    "charity.organisation_register": "登记社会组织", "charity.project_create": "登记救助项目",
    "charity.round_create": "设立公益创投", "charity.score": "公益创投评分",
    "donation.receive": "接收捐赠", "donation.reverse": "冲正捐赠账目", "donation.spend": "支出捐赠",
    "supermarket.enrol": "慈善超市登记服务家庭", "supermarket.give": "慈善超市发放",
    "supermarket.register": "登记慈善超市", "supermarket.reverse": "冲正慈善超市记录",
    "supermarket.stock_in": "慈善超市入库",
    "discovery.close": "办结主动发现任务", "discovery.identify": "主动发现任务关联家庭",
    "discovery.record": "登记主动发现线索", "discovery.screening": "筛查漏保转为主动发现任务",
    "discovery.visit": "主动发现入户走访",
    "document.issue": "出具文书（编号、核验码）",
    # temporary assistance's steps (temporary.services.ACTION_NAMES, registered on the case frame)
    "case.help_first": "先行救助", "case.grant": "批准临时救助", "case.refer_to_county": "报县级审批",
    "case.county_grant": "县级批准", "case.county_refuse": "县级不予批准", "case.pay_cash": "备用金现金发放",
    "case.close_paid": "发放完毕办结",
    # children's allowances and education aid (children.services.ACTION_NAMES, on the case frame)
    "case.submit_child": "儿童保障审核后报县级审批", "case.county_approve_child": "县级批准儿童保障",
    "case.county_refuse_child": "县级不予批准儿童保障", "case.grant_aid": "批准助学", "case.refuse_aid": "不予助学",
    "case.submit_aid": "助学报县级确认", "case.county_grant_aid": "县级确认孤儿助学",
    "case.county_refuse_aid": "县级不予确认孤儿助学",
    "children.apply": "受理儿童保障申请", "children.apply_aid": "受理助学申请",
    "case.change_support": "变更供养方式（决定）",
    "care.admission": "入住供养服务机构", "care.agreement": "登记委托照料协议", "care.assess": "登记生活自理能力评估",
    "care.caregiver": "登记照料护理人", "care.change_capacity": "调整供养机构床位数",
    "care.complete_move": "单人户转特困完成", "care.dibao_choice": "登记自愿保留低保", "care.dispersed": "登记分散供养",
    "care.leave": "离开供养服务机构", "care.move": "单人户转为特困人员",
    "care.register_institution": "登记供养服务机构",
    "care.report_change": "登记自理能力变化（评估申请）", "care.transfer": "供养服务机构转院", "care.visit": "登记探访",
    "fund.adjust": "备用金调整", "fund.allocate": "备用金拨付", "fund.draw": "备用金支出",
    "fund.export": "导出备用金对账单", "fund.return": "备用金退回",
    "feed.import": "导入部门数据",
    "funeral.approve_statement": "审核殡葬减免结算单", "funeral.claim": "登记殡葬费用减免",
    "funeral.prepare_statement": "生成殡葬减免结算单", "funeral.register_home": "登记殡仪馆",
    "household.change": "变更家庭信息", "household.create": "登记家庭",
    "income.add": "登记收入", "income.change": "变更收入", "income.end": "收入终止",
    "ledger.close": "问题台账销号", "letter.issue": "出具文书", "obligor.add": "登记赡养（抚养、扶养）义务人",
    "otp.enrol": "启用双重验证", "otp.remove": "关闭双重验证",
    "parameter.confirm": "确认本地参数", "parameter.enter": "录入本地参数", "parameter.reject": "退回本地参数",
    "password.change": "修改密码", "password.require_change": "要求修改密码",
    "payroll.approve": "审核发放名册", "payroll.bank_return": "导入银行回盘", "payroll.cancel": "作废发放名册",
    "payroll.export": "导出银行发放文件", "payroll.run": "编制发放名册",
    "person.change": "变更成员信息", "person.join": "成员加入", "person.leave": "成员离开",
    "price_index.enter": "录入价格指数",
    "referral.answer": "答复转介", "referral.receive": "接收转介", "referral.send": "转介",
    "referral.withdraw": "撤回转介",
    "run.stale": "后台任务中断",
    "temporary.open_application": "临时救助转为低保、特困申请", "temporary.report": "临时救助求助登记",
    "verification.check": "核对", "verification.screen": "全人口筛查",
}  # fmt: skip

OBJECTS = {
    "api_token": "接口令牌", "audit_verification": "审计校验", "authorization": "授权书", "case": "案件",
    "check_run": "核对批次", "checkrun": "核对批次", "decision": "决定", "document": "文书",
    "discovery_task": "主动发现任务", "feed_delivery": "部门数据交付",
    "care_agreement": "委托照料协议", "care_assessment": "生活自理能力评估", "care_caregiver": "照料护理人",
    "care_dibao_choice": "自愿保留低保协议", "care_institution": "供养服务机构", "care_move": "单人户转特困",
    "care_placement": "供养登记", "care_reassessment": "重新评估", "care_visit": "探访",
    "funeral_claim": "殡葬费用减免", "funeral_home": "殡仪馆", "funeral_statement": "殡葬减免结算单",
    "application": "公益创投申报", "charity_statement": "捐赠收支月报", "donation_entry": "捐赠账目",
    "incubation_base": "孵化基地", "organisation": "社会组织", "project": "救助项目", "round": "公益创投",
    "stock_entry": "慈善超市出入库", "supermarket": "慈善超市", "supermarket_statement": "慈善超市月报",
    "fund": "备用金", "fund_entry": "备用金账目", "holiday_arrangement": "节假日安排",
    "household": "家庭", "job": "后台任务", "ledger": "问题台账", "ledger_item": "台账事项", "letter": "文书",
    "parameter_value": "本地参数", "payroll": "发放名册", "person": "人员", "price_index": "价格指数",
    "referral": "转介", "reprice": "标准调整", "roll": "原系统保障名册", "user": "用户",
}  # fmt: skip

PURPOSES = {"view": "查看", "list": "列表", "search": "检索", "export": "导出"}


def _zh() -> bool:
    return not (get_language() or "").startswith("en")


def action(code: str) -> str:
    return ACTIONS.get(code, code) if _zh() else code


def object_type(code: str) -> str:
    return OBJECTS.get(code, code) if _zh() else code


def purpose(code: str) -> str:
    return PURPOSES.get(code, code) if _zh() else code


def action_choices() -> list[tuple[str, str]]:
    """Each kind of object's actions at once (``case.``), then each action."""
    kinds = [k for k in OBJECTS if any(a.startswith(f"{k}.") for a in ACTIONS)]
    every = [(f"{k}.", f"{object_type(k)}（全部操作）" if _zh() else f"{k}.*") for k in kinds]
    return every + [(code, action(code)) for code in sorted(ACTIONS)]


def object_choices() -> list[tuple[str, str]]:
    return [(code, object_type(code)) for code in sorted(OBJECTS)]


def purpose_choices() -> list[tuple[str, str]]:
    return [(code, purpose(code)) for code in PURPOSES]


def details(value):
    """An event's details as recorded, with the programme and state codes in its values in words
    (the record itself keeps the codes: what was signed is never rewritten)."""
    from safetynet.cases.models import Programme, State

    words = {**dict(State.choices), **dict(Programme.choices)}
    if isinstance(value, dict):
        return {k: details(v) for k, v in value.items()}
    if isinstance(value, list):
        return [details(v) for v in value]
    return str(words[value]) if isinstance(value, str) and value in words else value
