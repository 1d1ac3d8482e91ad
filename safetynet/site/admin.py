"""Users made in the admin site must choose their own password at the first login."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from safetynet.site import accounts

User = get_user_model()


class SafetynetUserAdmin(UserAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:  # the administrator knows this password: it is a first one, to be replaced
            accounts.require_password_change(request.user, obj)


admin.site.unregister(User)
admin.site.register(User, SafetynetUserAdmin)
