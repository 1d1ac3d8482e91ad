"""Temporary assistance casework's messages, added to the policy floor's catalogue
(``safetynet.policy.errors``) so every interface says them in Chinese or English."""

from __future__ import annotations

from safetynet.policy.errors import MESSAGES

MESSAGES.update({
    "temporary_duplicate_event": {
        "zh": "该家庭 {day} {cause} 已由临时救助案件 #{case} 救助：同一事件只救助一次",
        "en": "this household's {cause} of {day} is already helped by temporary assistance case #{case}: "
              "one event is helped once",
    },
    "temporary_cause_kind": {
        "zh": "{kind}的致困原因不能是“{cause}”（可选：{choices}）",
        "en": "a {kind} case cannot have the cause \"{cause}\" (choose from: {choices})",
    },
    "temporary_elsewhere_emergency_only": {
        "zh": "非本地户籍人员仅可在急难发生地申请急难型临时救助（临救-2014）",
        "en": "a person from elsewhere is helped where the hardship happened, for emergencies only (临救-2014)",
    },
    "temporary_occurred_after_report": {
        "zh": "发生日期 {occurred} 晚于求助登记日期 {on}",
        "en": "the event ({occurred}) is after the report ({on})",
    },
    "temporary_report_backdated": {
        "zh": "求助登记日期 {on} 早于今天 {limit} 个工作日以上：求助应在当日登记",
        "en": "a report cannot be dated {on}, more than {limit} working days ago: report it on the day",
    },
    "temporary_open_from_report": {
        "zh": "临时救助请通过“临时救助登记”办理（登记致困事件）",
        "en": "open temporary assistance through its registration page (with the event)",
    },
    "temporary_from_case": {
        "zh": "案件 #{case} 不是本家庭办理中的低保、特困申请",
        "en": "case #{case} is not an open dibao or tekun application of this household",
    },
    "temporary_not_eligible": {
        "zh": "按 {month} 的临时救助政策测算不符合条件：{reasons}",
        "en": "not eligible for temporary assistance under the rules of {month}: {reasons}",
    },
    "temporary_above_rules": {
        "zh": "金额 {value} 元超过政策测算的最高救助金额 {most} 元",
        "en": "{value} yuan is above the most the rules allow ({most} yuan)",
    },
    "temporary_help_first_limit": {
        "zh": "先行救助金额 {value} 元超过乡镇审批权限 {limit} 元",
        "en": "help first of {value} yuan is above the township's limit of {limit} yuan",
    },
    "temporary_needs_county": {
        "zh": "金额 {value} 元超过乡镇审批权限 {limit} 元，须报县级民政部门审批：请办理“报县级审批”",
        "en": "{value} yuan is above the township's limit of {limit} yuan: the county decides (refer it to the county)",
    },
    "temporary_within_township": {
        "zh": "金额 {value} 元在乡镇审批权限 {limit} 元以内，由乡镇审核确认",
        "en": "{value} yuan is within the township's limit of {limit} yuan: the township decides",
    },
    "temporary_below_paid": {
        "zh": "批准金额 {value} 元少于备用金已支付的 {paid} 元",
        "en": "the grant of {value} yuan is less than the {paid} yuan the standby fund already paid",
    },
    "temporary_time": {"zh": "时间格式应为 HH:MM，实为 {value}", "en": "a time is HH:MM, got {value}"},
    "temporary_help_before_report": {
        "zh": "先行救助时间 {at} 早于求助登记时间 {reported}",
        "en": "help first at {at} is before the report at {reported}",
    },
    "temporary_receipt_required": {
        "zh": "现金发放须登记收据号",
        "en": "a cash payment needs its receipt number",
    },
    "temporary_nothing_owed": {
        "zh": "本案已无待发放金额（备用金已支付 {paid} 元）：请办理“发放完毕办结”",
        "en": "nothing is left to pay (the standby fund paid {paid} yuan): close the case as paid",
    },
    "temporary_in_payroll": {
        "zh": "本案已列入 {month} 发放名册 #{run}（{status}），由名册发放，不能再以现金发放",
        "en": "the case is in the payroll #{run} of {month} ({status}): it is paid there, not in cash",
    },
    "temporary_not_paid_yet": {
        "zh": "待发放 {owed} 元，发放名册已审核发放 {paid} 元：名册发放后方可办结",
        "en": "{owed} yuan is owed and approved payrolls paid {paid} yuan: close it once the payroll has paid",
    },
    "temporary_application_programme": {
        "zh": "只能转为低保或特困供养申请",
        "en": "only a dibao or tekun application can be opened from here",
    },
})
