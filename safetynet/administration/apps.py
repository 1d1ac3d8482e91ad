from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    name = "safetynet.administration"
    label = "administration"
    verbose_name = "市级管理"

    def ready(self) -> None:
        from safetynet.administration import selectors
        from safetynet.policy import working_days

        # The policy floor imports no Django: the years entered here reach it through this source.
        working_days.register_year_source(selectors.entered_years)
