from django.contrib import admin

from safetynet.supervision.models import AccessLog, AuditEvent, AuditVerification


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: events are written by services.record and never changed."""

    list_display = ["id", "at", "actor_name", "action", "object_type", "object_id", "area_code"]
    list_filter = ["action", "object_type"]
    search_fields = ["=object_id", "=actor_name", "^area_code"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessLog)
class AccessLogAdmin(_ReadOnly):
    """Read-only: written by services.record_access and never changed."""

    list_display = ["id", "at", "actor_name", "purpose", "object_type", "object_id", "area_code", "count", "full_id"]
    list_filter = ["purpose", "full_id"]
    search_fields = ["=object_id", "=actor_name", "^area_code", "=persons__person_id"]
    date_hierarchy = "at"


@admin.register(AuditVerification)
class AuditVerificationAdmin(_ReadOnly):
    list_display = ["id", "at", "by_name", "source", "ok", "checked", "checkpoints", "first_broken_id"]
