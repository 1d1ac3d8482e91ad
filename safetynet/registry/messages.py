"""The registry's messages, added to the policy floor's catalogue (``safetynet.policy.errors``)."""

from __future__ import annotations

from safetynet.policy.errors import MESSAGES

MESSAGES.update({
    "card_chars": {"zh": "银行卡号只能由数字组成", "en": "a card number has digits only"},
    "card_length": {
        "zh": "银行卡号应为 12 至 19 位数字，实为 {length} 位",
        "en": "a card number has 12 to 19 digits, this one has {length}",
    },
    "card_check_digit": {
        "zh": "银行卡号校验位错误（16 至 19 位的银行卡号须通过 Luhn 校验），请核对卡号",
        "en": "the card number fails its check digit (Luhn, required for 16 to 19 digits): check the number",
    },
    "too_many": {"zh": "最多 {max} 项", "en": "at most {max} items"},
    "member_left": {"zh": "该成员已于 {on} 离户", "en": "this member left the household on {on}"},
    "left_before_joined": {
        "zh": "离户日期 {on} 早于入户日期 {joined}",
        "en": "the leaving date {on} is before the joining date {joined}",
    },
    "nothing_changed": {"zh": "没有变更任何内容", "en": "nothing was changed"},
    "last_member": {
        "zh": "这是家庭中仅剩的成员：请先登记新成员，或终止该家庭的保障",
        "en": "this is the household's last member: add a member first, or end the household's support",
    },
})
