"""The care app's messages, added to the policy floor's catalogue."""

from __future__ import annotations

from safetynet.policy.errors import MESSAGES

MESSAGES.update({
    "care_not_tekun": {
        "zh": "该案件不是已确认的特困人员供养案件",
        "en": "the case is not an approved tekun case",
    },
    "care_county": {
        "zh": "{code} 不是辖区内的县（市、区）",
        "en": "{code} is not a county of your area",
    },
    "care_township": {
        "zh": "{code} 不是该县（市、区）的乡镇（街道）",
        "en": "{code} is not a township of that county",
    },
    "care_institution_name": {
        "zh": "该县（市、区）已登记名为“{name}”的供养服务机构",
        "en": "the county has an institution named {name} already",
    },
    "care_capacity": {
        "zh": "{name}床位已满（床位 {capacity} 张，在住 {residents} 人），不能再入住",
        "en": "{name} is full ({capacity} beds, {residents} residents): no admission",
    },
    "care_capacity_below": {
        "zh": "床位数不能少于在住人数 {residents}",
        "en": "the capacity cannot be below the {residents} residents",
    },
    "care_mode_required": {
        "zh": "请选择供养方式：集中供养（并选择有空余床位的供养服务机构）或分散供养",
        "en": "choose the support mode: concentrated (with an institution that has a free bed) or dispersed",
    },
    "care_institution_required": {
        "zh": "集中供养须选择供养服务机构（本县、有空余床位的）",
        "en": "concentrated support needs an institution",
    },
    "care_institution_not_allowed": {
        "zh": "分散供养不选择供养服务机构",
        "en": "dispersed support has no institution",
    },
    "care_institution_other_county": {
        "zh": "只能选择本县（市、区）的供养服务机构",
        "en": "choose an institution of the person's county",
    },
    "care_same_placement": {
        "zh": "该对象已在此登记的供养方式和机构中，无需重复登记",
        "en": "the person is supported there already",
    },
    "care_dispersed_unattended": {
        "zh": "该对象经评估完全丧失生活自理能力，应优先集中供养；改为分散供养，须确定照料护理人并签订照料服务协议，"
              "目前均未登记。确需分散供养的，请勾选下方“已知悉”后再提交，变更后即登记照料护理人和照料服务协议",
        "en": "the person has completely lost the ability to care for themselves and no caregiver is recorded: "
              "tick the acknowledgement that a named caregiver and a care agreement will follow the change",
    },
    "care_before_current": {
        "zh": "日期不能早于当前供养登记的起始日期 {since}",
        "en": "the date cannot be before the current placement's start {since}",
    },
    "care_no_placement": {
        "zh": "该对象尚未登记供养方式",
        "en": "the person's support mode is not recorded",
    },
    "care_not_dispersed": {
        "zh": "只有分散供养的对象登记照料护理人、委托照料协议和探访",
        "en": "caregivers, agreements and visits are recorded for persons supported at home only",
    },
    "care_id_number": {
        "zh": "公民身份号码有误：{problem}",
        "en": "the ID number is wrong: {problem}",
    },
    "care_caregiver_is_person": {
        "zh": "照料护理人不能是供养对象本人",
        "en": "the caregiver cannot be the supported person",
    },
    "care_term": {
        "zh": "协议终止日期须晚于起始日期",
        "en": "the agreement must end after it starts",
    },
    "care_caregiver_of_case": {
        "zh": "请选择该对象登记在册的照料护理人",
        "en": "choose a caregiver recorded for this person",
    },
    "care_future": {
        "zh": "日期 {on} 晚于今天",
        "en": "{on} is in the future",
    },
    "care_items": {
        "zh": "请逐项填写六项日常生活活动是否能够完成（缺：{missing}）",
        "en": "score each of the six daily activities (missing: {missing})",
    },
    "care_not_single": {
        "zh": "该低保家庭不是单人户",
        "en": "the dibao household is not a single-person household",
    },
    "care_not_meeting_tekun": {
        "zh": "该对象不符合特困人员救助供养条件",
        "en": "the person does not meet the tekun conditions",
    },
    "care_tekun_case": {
        "zh": "请选择本人已入户调查、待审核确认的特困人员供养案件",
        "en": "choose the person's investigated tekun case awaiting the decision",
    },
    "care_already_decided": {
        "zh": "该单人户已作出处理（转为特困或自愿保留低保）",
        "en": "the household has been dealt with already (moved to tekun or kept on dibao by choice)",
    },
    "care_level_decider": {
        "zh": "评估结果为“{level}”，生活自理能力等级改变，须重新核定保障金：请由乡镇审核确认人员登记",
        "en": "the assessment gives \"{level}\", a change of level that re-decides the amount: "
              "the township approver records it",
    },
    "care_move_done": {
        "zh": "该转移已完成",
        "en": "the move is complete already",
    },
})
