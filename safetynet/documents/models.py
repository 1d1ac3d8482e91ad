"""The register of the papers a township issues: each with its number and its verification code.

Every paper printed from the office is registered here once: the application (申请书), the
authorisation of the check (授权核对书), the home-visit record (入户调查记录), the decisions
(审核确认、不予确认、终止、变更: the township's letters, ``notices.Letter``, registered as they are
issued), the village notice (公示) and the proof of entitlement (享受待遇证明). What it says is
kept as issued (``content``), so a later change never rewrites a paper already handed out.

A number runs in the township's register of the year, one series per kind of paper (the
decisions keep the letters' own numbers, "救助〔2024〕12号"). Whether a paper is still the current
one is worked out from the case (a later decision replaces a decision or a proof) or, for a
paper printed again with other content, from ``replaced_by``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from safetynet.cases.models import Case, CaseEvent
from safetynet.notices.models import Letter
from safetynet.registry.models import Area, Household


class Document(models.Model):
    class Kind(models.TextChoices):
        APPLICATION = "application", "社会救助申请书"
        AUTHORIZATION = "authorization", "家庭经济状况核对授权书"
        HOME_VISIT = "home_visit", "入户调查记录"
        APPROVAL = "approval", "审核确认决定书"
        REFUSAL = "refusal", "不予确认决定书"
        TERMINATION = "termination", "终止救助决定书"
        CHANGE = "change", "救助金额变更决定书"
        VILLAGE_NOTICE = "village_notice", "审核确认结果公示"
        PROOF = "proof", "享受社会救助待遇证明"

    kind = models.CharField("文书种类", max_length=16, choices=Kind.choices)
    township = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name="乡镇（街道）")
    year = models.PositiveSmallIntegerField("年度")
    word = models.CharField("代字", max_length=8)  # the series of the township's register: 救助, 证明 ...
    serial = models.PositiveIntegerField("顺序号")
    number = models.CharField("编号", max_length=100)
    code = models.CharField("核验码", max_length=16, unique=True)
    area_code = models.CharField("村居代码", max_length=12, db_index=True)  # scoping, as a case's
    household = models.ForeignKey(Household, models.PROTECT, null=True, blank=True, related_name="documents")
    case = models.ForeignKey(Case, models.PROTECT, null=True, blank=True, related_name="documents")
    # The step it records (a home visit), the decision it serves, the decision a proof rests on.
    event = models.ForeignKey(CaseEvent, models.PROTECT, null=True, blank=True, related_name="+")
    letter = models.OneToOneField(Letter, models.PROTECT, null=True, blank=True, related_name="document")
    # What in its case or village it is about, for printing it again: "visit:12", "2024-03-01/2024-03-31".
    subject = models.CharField("事项", max_length=60, blank=True)
    issued_on = models.DateField("出具日期")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    content = models.JSONField("文书内容")
    replaced_by = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="replaces",
                                    verbose_name="被以下文书取代")  # fmt: skip

    class Meta:
        verbose_name = verbose_name_plural = "文书登记"
        ordering = ["township", "year", "word", "serial"]
        indexes = [models.Index(fields=["case", "kind"]), models.Index(fields=["household", "kind"])]
        constraints = [
            models.UniqueConstraint(fields=["township", "year", "word", "serial"], name="document_number_unique"),
            models.CheckConstraint(condition=models.Q(serial__gte=1), name="document_serial_positive"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_decision(self) -> bool:
        return self.kind in DECISION_KINDS


DECISION_KINDS = ("approval", "refusal", "termination", "change")
