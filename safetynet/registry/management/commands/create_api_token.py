from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from safetynet.site import accounts


class Command(BaseCommand):
    help = "Create an API token for a user and print it once (only its hash is kept)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="api")
        parser.add_argument("--days", type=int, default=None,
                            help=f"days until it expires (default {settings.SAFETYNET_API_TOKEN_DAYS})")

    def handle(self, *args, username, name, days, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户 {username} 不存在", returncode=2)
        try:
            token, key = accounts.create_token(None, user, name, days)
        except accounts.TokenError as exc:
            raise CommandError(f"--{exc.field}: {exc}", returncode=2) from None
        self.stderr.write(f"有效期至 {token.expires_at:%Y-%m-%d %H:%M}")
        self.stdout.write(key)
