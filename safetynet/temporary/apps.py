from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TemporaryConfig(AppConfig):
    name = "safetynet.temporary"
    label = "temporary"
    verbose_name = "临时救助"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from safetynet.cases import services as case_services
        from safetynet.cases.models import Case
        from safetynet.site.templatetags.frame import CONFIRMATIONS
        from safetynet.temporary import declaration, services

        declaration.register()
        # The timeline's names of the steps that are not transitions (the opening, the link).
        for name in ("report", "open_application"):
            case_services.ACTION_NAMES.setdefault(name, services.ACTION_NAMES[name])
        CONFIRMATIONS.setdefault("pay_cash", services.pay_cash_question)
        CONFIRMATIONS.setdefault("county_refuse", _("不予批准后案件结束。确定不予批准吗？"))
        # Money leaves the township's fund at once: asked first, as a payment in cash is.
        CONFIRMATIONS.setdefault("help_first", _("将从乡镇（街道）临时救助备用金支出先行救助金，支出后不能撤销"
                                                 "（多付的须登记退回备用金）。确定支付吗？"))
        post_save.connect(services.release_event, sender=Case, dispatch_uid="temporary-release-event")
