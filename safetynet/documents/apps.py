from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "safetynet.documents"
    label = "documents"
    verbose_name = "文书"

    def ready(self) -> None:
        from safetynet.cases import programmes

        # The case page lists the case's papers and offers to print them (every programme).
        programmes.register_panel("documents/_case_panel.html")
