from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "safetynet.referrals"
    label = "referrals"
    verbose_name = "转介（一门受理、协同办理）"

    def ready(self) -> None:
        from safetynet.referrals import messages  # noqa: F401 - registers the referrals' messages
