"""Social organisations (社会组织) that take part in assistance, the incubation bases that host
new ones (孵化基地), their projects, what each project delivered and to whom, and the
venture-philanthropy rounds (福彩帮 公益创投) that fund projects.

Seed: 引导社会力量参与社会救助; 建成社会组织孵化基地 42 个; 福彩帮公益创投大赛资助项目 10 个."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safetynet.registry.models import Area, Household, Person


class IncubationBase(models.Model):
    name = models.CharField(_("孵化基地名称"), max_length=100)
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("所在区划"))
    opened_on = models.DateField(_("建成日期"))

    class Meta:
        ordering = ["area_id", "name"]
        verbose_name = verbose_name_plural = _("社会组织孵化基地")

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    class Kind(models.TextChoices):
        # The three kinds of social organisation registered by civil affairs.
        SOCIAL_GROUP = "social_group", _("社会团体")
        SOCIAL_SERVICE = "social_service", _("民办非企业单位（社会服务机构）")
        FOUNDATION = "foundation", _("基金会")

    code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    authority = models.CharField(_("登记管理机关"), max_length=60)
    # The county (or the city) whose bureau registered it: the county's staff see it.
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("登记区划"))
    incubation_base = models.ForeignKey(IncubationBase, models.PROTECT, null=True, blank=True,
                                        related_name="organisations", verbose_name=_("入驻孵化基地"))  # fmt: skip
    registered_on = models.DateField(_("登记日期"))
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["area_id", "name"]
        verbose_name = verbose_name_plural = _("社会组织")

    def __str__(self) -> str:
        return self.name


class Round(models.Model):
    """A venture-philanthropy round (公益创投): organisations apply, judges score, funding is decided."""

    name = models.CharField(_("名称"), max_length=100)
    year = models.PositiveSmallIntegerField(_("年度"))
    budget_fen = models.BigIntegerField(_("资助总额（分）"))
    closes_on = models.DateField(_("申报截止"))

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = verbose_name_plural = _("公益创投")

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    class Kind(models.TextChoices):
        CHARITY = "charity", _("慈善项目")
        SOCIAL_WORK = "social_work", _("社工服务")

    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="projects", verbose_name=_("社会组织"))
    name = models.CharField(_("项目名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices, default=Kind.CHARITY)
    target_group = models.CharField(_("服务对象"), max_length=100)
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("服务区域"))
    budget_fen = models.BigIntegerField(_("预算（分）"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    round = models.ForeignKey(Round, models.PROTECT, null=True, blank=True, related_name="projects",
                              verbose_name=_("公益创投"))  # fmt: skip
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = verbose_name_plural = _("救助项目")
        constraints = [
            models.CheckConstraint(condition=models.Q(budget_fen__gte=0), name="charity_project_budget"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                   name="charity_project_period"),
        ]

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    """What a project gave on a day: to a household or a person on the rolls (by ID number), or to
    ``anonymous_persons`` not named (a street event); and the time its staff and volunteers gave."""

    project = models.ForeignKey(Project, models.PROTECT, related_name="deliveries", verbose_name=_("项目"))
    on = models.DateField(_("日期"))
    description = models.CharField(_("内容"), max_length=200)
    value_fen = models.BigIntegerField(_("价值（分）"), default=0)
    person = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("受助人"))  # fmt: skip
    household = models.ForeignKey(Household, models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("受助家庭"))  # fmt: skip
    anonymous_persons = models.PositiveIntegerField(_("未具名受助人次"), default=0)
    staff_times = models.PositiveIntegerField(_("工作人员人次"), default=0)
    staff_hours = models.DecimalField(_("工作人员服务时长（小时）"), max_digits=9, decimal_places=1, default=0)
    volunteer_times = models.PositiveIntegerField(_("志愿者人次"), default=0)
    volunteer_hours = models.DecimalField(_("志愿者服务时长（小时）"), max_digits=9, decimal_places=1, default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = verbose_name_plural = _("项目服务记录")
        constraints = [
            models.CheckConstraint(condition=models.Q(value_fen__gte=0), name="charity_delivery_value"),
            # Named (a household on the rolls) or counted, never neither.
            models.CheckConstraint(condition=models.Q(household__isnull=False) | models.Q(anonymous_persons__gt=0),
                                   name="charity_delivery_to_whom"),
        ]


class Application(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", _("已申报")
        FUNDED = "funded", _("已资助")
        DECLINED = "declined", _("未获资助")

    round = models.ForeignKey(Round, models.PROTECT, related_name="applications", verbose_name=_("公益创投"))
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="applications",
                                     verbose_name=_("社会组织"))  # fmt: skip
    title = models.CharField(_("项目名称"), max_length=100)
    requested_fen = models.BigIntegerField(_("申请金额（分）"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.APPLIED)
    funded_fen = models.BigIntegerField(_("资助金额（分）"), default=0)
    project = models.OneToOneField(Project, models.PROTECT, null=True, blank=True, related_name="application")

    class Meta:
        ordering = ["round_id", "id"]
        verbose_name = verbose_name_plural = _("公益创投申报")
        constraints = [models.UniqueConstraint(fields=["round", "organisation", "title"],
                                               name="charity_application_once")]

    def __str__(self) -> str:
        return self.title


class Score(models.Model):
    application = models.ForeignKey(Application, models.PROTECT, related_name="scores")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    points = models.PositiveSmallIntegerField(_("评分"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "judge"], name="charity_score_once"),
            models.CheckConstraint(condition=models.Q(points__lte=100), name="charity_score_range"),
        ]
