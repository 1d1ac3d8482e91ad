"""Casework's messages, added to the policy floor's catalogue (``safetynet.policy.errors``) so
every interface says them in Chinese or English like the others."""

from __future__ import annotations

from safetynet.policy.errors import MESSAGES

MESSAGES.update({
    "not_for_programme": {"zh": "{programme}的案件没有此项", "en": "a {programme} case has no such field"},
    "opinion_required": {"zh": "请填写审核意见", "en": "write the approver's opinion"},
    "override_opinion_required": {
        "zh": "最近一次核对（{day}，批次 #{run}）结论为“{verdict}”：确认前须写明审核意见，说明不采纳核对结论的理由",
        "en": "the latest check ({day}, run #{run}) says \"{verdict}\": approving needs a written opinion "
              "explaining why its conclusion is not followed",
    },
    "visitor_cannot_decide": {
        "zh": "您登记了本案的入户调查，不能审核确认本案：调查与审核确认应由不同人员办理",
        "en": "you recorded this case's home visit: another person must decide it",
    },
    "backdated": {
        "zh": "办理日期 {on} 早于今天 {limit} 个工作日以上（不早于 {earliest} 的可直接办理）：请填写补录原因，"
              "经本乡镇另一名审核人员确认后生效",
        "en": "the date {on} is more than {limit} working days ago (from {earliest} it can be entered directly): "
              "give the reason; it takes effect once a second approver of the township confirms it",
    },
    "backdated_start": {
        "zh": "发起核对的日期 {on} 早于今天 {limit} 个工作日以上：核对应在申请当日发起",
        "en": "a check cannot be started on {on}, more than {limit} working days ago: start it on the day",
    },
    "backdate_pending": {
        "zh": "本案已有待确认的补录事项 #{act}（{action}，{on}），请待其确认或退回后再办理",
        "en": "a backdated step #{act} ({action}, {on}) is waiting for confirmation on this case",
    },
    "backdate_same_person": {
        "zh": "提出补录的人员不能确认自己的补录，请由本乡镇另一名审核人员确认",
        "en": "the person who entered a backdated step cannot confirm it: a second approver must",
    },
    "backdate_not_pending": {"zh": "该补录事项{status}", "en": "this backdated step is {status}"},
})
