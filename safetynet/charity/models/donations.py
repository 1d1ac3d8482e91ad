"""Donations (慈善捐赠) a social organisation receives and spends: one append-only book.

Seed: 全市接收社会捐赠 1.87 亿元、支出 2.17 亿元. Each gift received gets a receipt numbered per
organisation and year without gaps (捐赠票据); a gift may be restricted to a purpose (定向捐赠,
慈善法 第五十五条: 按照捐赠协议使用), and what is spent from it draws on it by its receipt. Nothing
is changed or removed: a mistake is undone by a reversing entry (``reverses``), and the
database refuses UPDATE and DELETE of the book (``charity.triggers``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetynet.charity.models.organisations import Organisation, Project
from safetynet.registry.models import Household
from safetynet.supervision.models import AppendOnlyModel


class Purpose(models.TextChoices):
    """What money is for: a restricted gift names one, and may be spent on that one only."""

    LIVING = "living", _("生活困难救助")
    STUDY = "study", _("助学")
    MEDICAL = "medical", _("助医")
    DISABILITY = "disability", _("助残")
    ELDERLY = "elderly", _("助老")
    DISASTER = "disaster", _("救灾")
    SUPERMARKET = "supermarket", _("慈善超市")
    OTHER = "other", _("其他公益慈善")


UNRESTRICTED = ""  # the purpose of a gift without restriction (非定向)


class DonationEntry(AppendOnlyModel):
    class Kind(models.TextChoices):
        RECEIVED = "received", _("接收捐赠")
        SPENT = "spent", _("支出")
        REVERSAL = "reversal", _("冲正")

    id = models.BigAutoField(primary_key=True)
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="donation_entries",
                                     verbose_name=_("社会组织"))  # fmt: skip
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    on = models.DateField(_("日期"))
    # Signed: what the entry adds to the donation's balance (a spending is negative; a reversal
    # is the opposite of what it reverses).
    amount_fen = models.BigIntegerField(_("金额（分）"))
    # Spent and reversal entries: the gift (its receipt) they draw on or give back to.
    donation = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="uses",
                                 verbose_name=_("所用捐赠"))  # fmt: skip
    reverses = models.OneToOneField("self", models.PROTECT, null=True, blank=True, related_name="reversed_by",
                                    verbose_name=_("冲正的账目"))  # fmt: skip
    # Received: the restriction ("" none); spent: what it was spent on.
    purpose = models.CharField(_("用途"), max_length=12, blank=True, choices=Purpose.choices)
    donor = models.CharField(_("捐赠人"), max_length=100, blank=True)
    goods = models.CharField(_("物资（品名、数量）"), max_length=200, blank=True)  # empty: money
    receipt_year = models.PositiveSmallIntegerField(_("票据年度"), null=True, blank=True)
    receipt_seq = models.PositiveIntegerField(_("票据序号"), null=True, blank=True)
    project = models.ForeignKey(Project, models.PROTECT, null=True, blank=True, related_name="donation_entries",
                                verbose_name=_("支出到项目"))  # fmt: skip
    household = models.ForeignKey(Household, models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("支出到家庭"))  # fmt: skip
    supermarket = models.ForeignKey("charity.Supermarket", models.PROTECT, null=True, blank=True,
                                    related_name="donation_entries", verbose_name=_("支出到慈善超市"))  # fmt: skip
    description = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+",
                                    verbose_name=_("经办人"))  # fmt: skip
    recorded_at = models.DateTimeField(_("记账时间"), default=timezone.now)

    append_only_name = "捐赠账目"

    class Meta:
        ordering = ["organisation_id", "id"]
        verbose_name = verbose_name_plural = _("捐赠账目")
        indexes = [models.Index(fields=["organisation", "on"])]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "receipt_year", "receipt_seq"],
                                    name="charity_receipt_once"),
            models.CheckConstraint(
                condition=(models.Q(kind="received", amount_fen__gt=0, receipt_seq__isnull=False,
                                    donation__isnull=True, reverses__isnull=True)
                           | models.Q(kind="spent", amount_fen__lt=0, donation__isnull=False,
                                      reverses__isnull=True, receipt_seq__isnull=True)
                           | models.Q(kind="reversal", reverses__isnull=False, receipt_seq__isnull=True)
                           & ~models.Q(amount_fen=0)),
                name="charity_entry_by_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.amount_fen}"

    @property
    def receipt(self) -> str:
        """The receipt's number as printed: year and a six-digit sequence."""
        return f"{self.receipt_year}-{self.receipt_seq:06d}" if self.receipt_seq else ""

    @property
    def gift_receipt(self) -> str:
        """The receipt of the gift an entry concerns (its own, the one it draws on, the one it reverses)."""
        if self.receipt:
            return self.receipt
        if self.donation_id:
            return self.donation.receipt
        return self.reverses.gift_receipt if self.reverses_id else ""

    @property
    def purpose_label(self) -> str:
        return str(Purpose(self.purpose).label) if self.purpose else str(_("非定向"))
