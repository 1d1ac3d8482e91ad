"""The discovery tasks' messages, added to the policy floor's catalogue (``safetynet.policy.errors``)."""

from __future__ import annotations

from safetynet.policy.errors import MESSAGES

MESSAGES.update({
    "discovery_state": {
        "zh": "任务当前为“{state}”，不能{action}",
        "en": "the task is {state}: cannot {action}",
    },
    "discovery_area": {
        "zh": "请选择乡镇（街道）或村（居）：{code} 不是辖区内的乡镇或村居",
        "en": "choose a township or village of your area: {code} is not one",
    },
    "discovery_who": {
        "zh": "请填写困难对象的姓名，或登记在册人员的公民身份号码",
        "en": "give the person's name, or the ID number of a registered person",
    },
    "discovery_person_unknown": {
        "zh": "公民身份号码 {id} 不是辖区内登记家庭的成员：请先登记家庭",
        "en": "ID number {id} is not a member of a registered household of your area: register the household first",
    },
    "discovery_no_household": {
        "zh": "任务尚未关联登记家庭：请先按公民身份号码关联家庭",
        "en": "the task has no registered household yet: link it by an ID number first",
    },
    "discovery_reported_future": {
        "zh": "报告时间 {at} 晚于现在",
        "en": "the report time {at} is later than now",
    },
    "discovery_referral_household": {
        "zh": "转介 #{referral} 不是该家庭的转介",
        "en": "referral #{referral} is not of this household",
    },
    "discovery_outcome_link": {
        "zh": "“{outcome}”请从任务页面受理申请或登记临时救助，案件开立后任务自动办结",
        "en": "{outcome}: open the application or temporary help from the task page; it closes with the case",
    },
    "discovery_referral_required": {
        "zh": "办结为“已转介”时请选择该家庭的转介",
        "en": "choose the household's referral for the outcome referred",
    },
    "discovery_case_not_live": {
        "zh": "案件 #{case} 不是该家庭可关联的在办案件",
        "en": "case #{case} is not a live case of this household that the task may name",
    },
    "discovery_live_case": {
        "zh": "该{who}已有{programme}案件 #{case}（{state}），不能再受理{programme}申请：请办结任务并关联该案件",
        "en": "the {who} already has a {programme} case #{case} ({state}): close the task naming that case",
    },
})
