"""Areas, households, persons and what is known about them, with the history of every change.

Area codes are hierarchical: a county's six digits (GB/T 2260), a township's nine, a village's
twelve, each starting with its parent's. Scoping a user to an area is a prefix test on the
household's village code, which an index serves.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Right
from django.utils.translation import gettext_lazy as _

from safetynet.policy.household import ASSET_KINDS, DISABILITY_KINDS, HUKOU, INCOME_KINDS, RELATIONS, VEHICLE_USES


def _choices(values: tuple[str, ...], labels: dict[str, str] | None = None) -> list[tuple[str, str]]:
    return [(v, (labels or {}).get(v, v)) for v in values]


# Lazily translated: the English page says a relation in English; papers stay Chinese (override).
HUKOU_LABELS = {"urban": _("城镇"), "rural": _("农村")}
RELATION_LABELS = {"head": _("户主"), "spouse": _("配偶"), "child": _("子女"), "parent": _("父母"), "other": _("其他")}
INCOME_LABELS = {
    "wage": _("工资性收入"), "business": _("经营净收入"), "property": _("财产净收入"), "transfer": _("转移净收入"),
    "pension": _("养老金"), "pension_basic": _("城乡居民基础养老金"), "unemployment_benefit": _("失业保险金"),
    "scholarship": _("奖学金"), "family_planning_award": _("计划生育奖励"), "youfu": _("优抚金"),
    "assistance": _("社会救助金"),
    "heroism_award": _("见义勇为奖励"), "old_age_allowance": _("高龄津贴"), "other": _("其他收入"),
}  # fmt: skip
ASSET_LABELS = {"deposit": _("存款"), "securities": _("有价证券"), "insurance": _("商业保险"), "vehicle": _("机动车"),
                "house": _("住房"), "business": _("企业（市场主体）")}  # fmt: skip
VEHICLE_USE_LABELS = {"ordinary": _("普通机动车"), "disability": _("残疾人功能性补偿代步机动车"),
                      "farm": _("低值农用车")}  # fmt: skip
DISABILITY_LABELS = {"physical": _("肢体"), "intellectual": _("智力"), "mental": _("精神"), "visual": _("视力"),
                     "hearing": _("听力"), "speech": _("言语"), "multiple": _("多重")}  # fmt: skip


LEFT_REASONS = [("moved", "迁出"), ("died", "死亡")]


class Area(models.Model):
    class Level(models.TextChoices):
        CITY = "city", _("市")
        COUNTY = "county", _("县级区划")
        TOWNSHIP = "township", _("乡镇街道")
        VILLAGE = "village", _("村居")

    code = models.CharField("区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=64)
    level = models.CharField("层级", max_length=8, choices=Level.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    tier = models.CharField("标准档次", max_length=1, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "区划"

    def __str__(self) -> str:
        return f"{self.name}"

    @property
    def county_code(self) -> str:
        return self.code[:6]


class Household(models.Model):
    village = models.ForeignKey(Area, models.PROTECT, related_name="households", verbose_name="村居")
    hukou = models.CharField("户籍类别", max_length=5, choices=_choices(HUKOU, HUKOU_LABELS))
    address = models.CharField("住址", max_length=200)
    registered_poor = models.BooleanField("建档立卡贫困户", default=False)
    # the public security register's household number: what the verification centre's findings
    # name, so that a finding can be followed to the household at the window
    household_no = models.CharField("户口簿户号", max_length=32, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "家庭"
        indexes = [models.Index(fields=["village"])]

    def __str__(self) -> str:
        head = next((p for p in self.members.all() if p.relation == "head"), None)
        return f"{head.name if head else '—'}户（{self.village.name}）"


class Person(models.Model):
    """A member of a household. The current facts are here; ``PersonChange`` keeps each change."""

    household = models.ForeignKey(Household, models.PROTECT, related_name="members", verbose_name="家庭")
    id_number = models.CharField("公民身份号码", max_length=18, unique=True)
    # indexed for the search by name (registry.search), which reads a name from its beginning
    name = models.CharField("姓名", max_length=40, db_index=True)
    relation = models.CharField("与户主关系", max_length=8, choices=_choices(RELATIONS, RELATION_LABELS))
    birth_date = models.DateField("出生日期")
    sex = models.CharField("性别", max_length=6, choices=[("male", "男"), ("female", "女")])
    phone = models.CharField("联系电话", max_length=20, blank=True)
    bank_card = models.CharField("银行卡号", max_length=30, blank=True)
    disability_grade = models.PositiveSmallIntegerField("残疾等级", null=True, blank=True)
    disability_kind = models.CharField(
        "残疾类别", max_length=12, blank=True, choices=_choices(DISABILITY_KINDS, DISABILITY_LABELS)
    )
    serious_illness = models.BooleanField("重病", default=False)
    adl_unmet = models.PositiveSmallIntegerField("不能完成的日常生活活动项数", default=0)
    able_obligor = models.BooleanField("有具备履行能力的法定义务人", default=True)
    student = models.BooleanField("全日制在校生", default=False)
    supported_as_minor = models.BooleanField("未成年时已获特困供养", default=False)
    orphan_support = models.BooleanField("按孤儿或事实无人抚养儿童保障", default=False)
    staff_relative = models.BooleanField("经办人员或村干部近亲属", default=False)
    # Membership in time: a member added after intake counts from ``joined_on``; one who moved out
    # or died counts until ``left_on`` (the row stays: the months before are still explained by it).
    joined_on = models.DateField("入户日期", null=True, blank=True)
    left_on = models.DateField("离户日期", null=True, blank=True)
    left_reason = models.CharField("离户原因", max_length=8, blank=True, choices=LEFT_REASONS)

    class Meta:
        ordering = ["household_id", "id"]
        verbose_name = verbose_name_plural = "人员"
        # The search by an ID number's last four digits (registry.search): LIKE '%1234' reads the
        # whole table, an index on the expression does not.
        indexes = [models.Index(Right("id_number", 4), name="person_id_last_four")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(disability_grade__isnull=True)
                | models.Q(disability_grade__gte=1, disability_grade__lte=4),
                name="person_disability_grade_1_4",
            ),
            models.CheckConstraint(condition=models.Q(adl_unmet__lte=6), name="person_adl_unmet_0_6"),
        ]

    def __str__(self) -> str:
        return self.name

    def choice_label(self) -> str:
        """The member as a list of choices says them: name and relation, in the language's brackets."""
        from django.utils.translation import gettext

        return gettext("%(name)s（%(relation)s）") % {"name": self.name, "relation": self.get_relation_display()}

    def member_in(self, day) -> bool:
        """Whether the person counts in the household on ``day``."""
        return (self.joined_on is None or self.joined_on <= day) and (self.left_on is None or self.left_on > day)


# The facts of a person whose changes are kept: each change is a PersonChange row.
TRACKED_FIELDS = (
    "name", "relation", "phone", "bank_card", "disability_grade", "disability_kind", "serious_illness",
    "adl_unmet", "able_obligor", "student", "supported_as_minor", "orphan_support", "staff_relative",
)  # fmt: skip


class PersonChange(models.Model):
    """A change of circumstances: what changed, from when, on whose word; never overwritten."""

    person = models.ForeignKey(Person, models.PROTECT, related_name="changes")
    field = models.CharField(max_length=32)
    old_value = models.JSONField(null=True)
    new_value = models.JSONField(null=True)
    effective_on = models.DateField("生效日期")
    source = models.CharField("来源", max_length=100)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]


class HouseholdChange(models.Model):
    """A change of the household's own facts (its address), kept like a person's."""

    household = models.ForeignKey(Household, models.PROTECT, related_name="changes")
    field = models.CharField(max_length=32)
    old_value = models.JSONField(null=True)
    new_value = models.JSONField(null=True)
    effective_on = models.DateField("生效日期")
    source = models.CharField("来源", max_length=100)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]


class Income(models.Model):
    """A monthly income of a person, valid from ``since`` until ``until`` (exclusive, open if null)."""

    person = models.ForeignKey(Person, models.PROTECT, related_name="incomes")
    kind = models.CharField("收入种类", max_length=24, choices=_choices(INCOME_KINDS, INCOME_LABELS))
    monthly_fen = models.BigIntegerField("月收入（分）")
    since = models.DateField("起始日期")
    until = models.DateField("终止日期", null=True, blank=True)
    source = models.CharField("来源", max_length=100)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(monthly_fen__gte=0), name="income_not_negative")]


class Asset(models.Model):
    person = models.ForeignKey(Person, models.PROTECT, related_name="assets")
    kind = models.CharField("财产种类", max_length=12, choices=_choices(ASSET_KINDS, ASSET_LABELS))
    value_fen = models.BigIntegerField("价值（分）", default=0)
    use = models.CharField("车辆用途", max_length=10, blank=True, choices=_choices(VEHICLE_USES, VEHICLE_USE_LABELS))
    since = models.DateField("起始日期")
    until = models.DateField("终止日期", null=True, blank=True)
    source = models.CharField("来源", max_length=100)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(value_fen__gte=0), name="asset_not_negative")]


class SupportObligor(models.Model):
    """A person with a legal duty to support (赡养抚养扶养义务人) a member, who may live elsewhere."""

    person = models.ForeignKey(Person, models.PROTECT, related_name="obligors")
    name = models.CharField("姓名", max_length=40)
    id_number = models.CharField("公民身份号码", max_length=18)
    relation = models.CharField("关系", max_length=20)
    able = models.BooleanField("具备履行能力", default=True)
    source = models.CharField("来源", max_length=100)


# The five programmes of the "8" run by other departments since 2018, reached through the civil
# affairs window (POLICY.md §11; 意见-2020): code, department, programme.
DEPARTMENTS = [
    ("medical", _("医保部门（医疗救助）")),
    ("housing", _("住建部门（住房救助）")),
    ("employment", _("人社部门（就业救助）")),
    ("education", _("教育部门（教育救助）")),
    ("disaster", _("应急管理部门（受灾人员救助）")),
]


class Staff(models.Model):
    """A user's role and the area it covers: every read and write is scoped to it."""

    class Role(models.TextChoices):
        CLERK = "clerk", _("窗口经办人员")
        APPROVER = "approver", _("乡镇审核确认人员")
        COUNTY = "county", _("县级监督人员")
        CITY = "city", _("市级管理员")
        VERIFIER = "verifier", _("核对人员")
        AUDITOR = "auditor", _("审计人员（只读）")
        # The county civil affairs bureau's decision on temporary assistance above the township's
        # limit (seed: 3000元以下 by the township; above it, the county).
        COUNTY_APPROVER = "county_approver", _("县级审批人员")
        # A liaison of another department that answers the window's referrals (意见-2020: 协同办理).
        DEPARTMENT = "department", _("协办部门人员")
        # The "+1" (seed): a social organisation's own staff, and a funeral home's, enter and see
        # only their own body's records (``Staff.unit``).
        ORGANISATION = "organisation", _("社会组织工作人员")
        FUNERAL_HOME = "funeral_home", _("殡仪馆工作人员")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="staff")
    role = models.CharField("角色", max_length=16, choices=Role.choices)
    area = models.ForeignKey(Area, models.PROTECT, verbose_name="所辖区划")
    # For the role ``department``: which department (POLICY.md §11).
    department = models.CharField("协办部门", max_length=12, blank=True, choices=DEPARTMENTS)
    # For the roles ``organisation`` and ``funeral_home``: the body's code (an organisation's
    # unified social credit code, a funeral home's register code).
    unit = models.CharField("所属单位代码", max_length=40, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "工作人员"

    def __str__(self) -> str:
        return f"{self.user.get_username()}（{self.get_role_display()}，{self.area.name}）"


class ApiToken(models.Model):
    """A bearer token for the API; only its SHA-256 is stored, so a database copy leaks no token."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=60)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # A token that leaks keeps working only until it expires or its owner revokes it.
    expires_at = models.DateTimeField("到期时间")
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user.get_username()}：{self.name}"


class PasswordChangeRequired(models.Model):
    """A user who must choose a new password before anything else (an administrator set theirs)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="password_change_required")
    since = models.DateTimeField(auto_now_add=True)
