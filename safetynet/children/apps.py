from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "safetynet.children"
    label = "children"
    verbose_name = "孤儿、事实无人抚养儿童保障与助学"

    def ready(self) -> None:
        from safetynet.cases import programmes
        from safetynet.cases import services as case_services
        from safetynet.children import declaration, services
        from safetynet.site.templatetags.frame import CONFIRMATIONS

        declaration.register()
        for name, question in declaration.QUESTIONS.items():
            CONFIRMATIONS.setdefault(name, question)
        programmes.register_panel("children/_case_panel.html")
        # The timeline's names of the opening steps (not transitions).
        for name in ("apply_child", "apply_aid"):
            case_services.ACTION_NAMES.setdefault(name, services.ACTION_NAMES[name])
