"""Password rules beyond Django's own (which already refuse short, common, all-digit passwords
and those too like the user's name): a password containing the user name, or the demo's shared one."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError


class NoUsernameValidator:
    """Refuse a password that contains the user name (clerk_370811 -> Clerk_370811!2026)."""

    def validate(self, password, user=None):
        username = (user.get_username() if user is not None else "") or ""
        if len(username) >= 3 and username.lower() in password.lower():
            raise ValidationError("密码不能包含用户名。", code="password_contains_username")

    def get_help_text(self):
        return "密码不能包含用户名。"


class NotDemoPasswordValidator:
    """Refuse the demo's shared password: everyone who has read the README knows it."""

    def validate(self, password, user=None):
        from safetynet.site.demo import DEMO_PASSWORD

        if password == DEMO_PASSWORD:
            raise ValidationError("不能使用演示环境的公用密码。", code="password_is_demo")

    def get_help_text(self):
        return "不能使用演示环境的公用密码。"


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with its message in Chinese (Django 5.2's zh-hans catalogue misses this one)."""

    def get_error_message(self):
        return f"密码太短：至少包含 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"密码至少包含 {self.min_length} 个字符。"
