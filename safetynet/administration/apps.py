from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    name = "safetynet.administration"
    label = "administration"
    verbose_name = "市级管理"

    def ready(self) -> None:
        from safetynet.administration import selectors
        from safetynet.policy import parameters, working_days

        # The policy floor imports no Django: what the city enters here reaches it through these.
        working_days.register_year_source(selectors.entered_years)
        parameters.register_entry_source(selectors.entered_parameters)
