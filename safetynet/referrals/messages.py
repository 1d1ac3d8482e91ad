"""The referrals' messages, added to the policy floor's catalogue (``safetynet.policy.errors``) so
every interface says them in Chinese or English like the others."""

from __future__ import annotations

from safetynet.policy.errors import MESSAGES

MESSAGES.update({
    "referral_state": {
        "zh": "转介当前为“{state}”，不能{action}（仅在{allowed}时可以）",
        "en": "the referral is {state}: cannot {action} (only when {allowed})",
    },
    "referral_case_household": {
        "zh": "案件 #{case} 不属于该家庭",
        "en": "case #{case} is not of this household",
    },
    "referral_other_department": {
        "zh": "该转介转往{theirs}，您是{mine}人员，不能办理",
        "en": "this referral is for {theirs}; you act for {mine}",
    },
    "referral_amount_required": {
        "zh": "给予资金救助时请填写救助金额",
        "en": "a grant of money needs its amount",
    },
    "referral_amount_not_granted": {
        "zh": "只有“给予救助（资金）”时填写救助金额",
        "en": "an amount goes with a grant of money only",
    },
    "referral_no_members": {
        "zh": "该家庭在 {on} 没有在户成员，无法转介",
        "en": "the household has no members on {on}: nothing to refer",
    },
})
