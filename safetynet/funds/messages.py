"""The standby fund's messages, added to the catalogue (``safetynet.policy.errors``) so every
interface says them in Chinese or English; and its audit codes in words for the auditor's page."""

from __future__ import annotations

from safetynet.policy.errors import MESSAGES
from safetynet.supervision import labels

MESSAGES.update({
    "fund_insufficient": {
        "zh": "{township}临时救助备用金余额 {balance} 元，不足以支出 {amount} 元：请县级民政部门先行拨付",
        "en": "the standby fund of {township} holds {balance} yuan, not enough for {amount} yuan: "
              "the county must allocate first",
    },
    "fund_adjust_below_zero": {
        "zh": "{township}临时救助备用金余额 {balance} 元，调减 {amount} 元后将为负数",
        "en": "the standby fund of {township} holds {balance} yuan: taking {amount} yuan off would make it negative",
    },
    "fund_amount_positive": {"zh": "金额应大于 0，实为 {value}", "en": "the amount must be more than 0, got {value}"},
    "fund_amount_zero": {"zh": "调整金额不能为 0", "en": "an adjustment cannot be 0"},
    "fund_township": {
        "zh": "{code} 不是乡镇（街道）代码（应为 9 位）",
        "en": "{code} is not a township code (9 digits)",
    },
    "fund_month_closed": {
        "zh": "备用金已记入 {last} 的账目，{month} 已结账，不能再记入日期为 {on} 的账目",
        "en": "the fund's book already has entries of {last}: {month} is closed, nothing dated {on} can be entered",
    },
    "fund_case_township": {
        "zh": "案件 #{case} 不属于{township}，不能从本乡镇（街道）备用金支出",
        "en": "case #{case} is not of {township}: it cannot be paid from this township's fund",
    },
    "fund_month_future": {
        "zh": "{month} 尚未开始（今天是 {today}）",
        "en": "{month} has not begun (today is {today})",
    },
})  # fmt: skip

labels.ACTIONS.update({
    "fund.allocate": "备用金拨付", "fund.draw": "备用金支出", "fund.return": "备用金退回",
    "fund.adjust": "备用金调整", "fund.export": "导出备用金对账单",
})  # fmt: skip
labels.OBJECTS.update({"fund_entry": "备用金账目", "fund": "备用金"})
