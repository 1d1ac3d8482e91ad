"""The payroll's messages, added to the policy floor's catalogue (``safetynet.policy.errors``) so
that every interface says them in Chinese or English like the others."""

from __future__ import annotations

from safetynet.policy.errors import MESSAGES

MESSAGES.update({
    "payroll_same_person": {
        "zh": "编制发放名册的人员不能审核同一名册：请由另一名审核人员审核",
        "en": "whoever computed a payroll cannot approve it: another approver must",
    },
    "payroll_future_month": {
        "zh": "{month} 尚未开始，不能编制或审核该月的发放名册（今天是 {today}）",
        "en": "{month} has not begun: its payroll cannot be computed or approved yet (today is {today})",
    },
    "payroll_programme": {
        "zh": "未知的救助项目 {value}（可选：{choices}）",
        "en": "unknown programme {value} (allowed: {choices})",
    },
    "payroll_stale": {
        "zh": "发放名册编制后，其他名册的审核、作废或案件决定使 {count} 行金额发生变化，请重新编制后再审核；"
              "本次未作任何更改",
        "en": "since this payroll was computed, other payrolls or decisions changed {count} of its lines: "
              "recompute it, then approve; nothing was changed",
    },
    "payroll_stale_line": {
        "zh": "案件 #{case}（{name}）{for_month} {kind}：名册中 {stored} 元，现应为 {now} 元",
        "en": "case #{case} ({name}) {for_month} {kind}: {stored} yuan in the payroll, now {now} yuan",
    },
    "payroll_stale_more": {"zh": "……等共 {count} 行", "en": "... {count} lines in all"},
    "payroll_not_cancellable": {
        "zh": "发放名册{status}，不能作废：{why}",
        "en": "the payroll is {status} and cannot be cancelled: {why}",
    },
    "payroll_cancel_reason": {
        "zh": "请填写作废原因（不超过 200 字）",
        "en": "give the reason for cancelling (at most 200 characters)",
    },
    "payroll_cancelled": {
        "zh": "发放名册已作废，不能{action}",
        "en": "the payroll is cancelled: nothing can be exported or reconciled",
    },
})
