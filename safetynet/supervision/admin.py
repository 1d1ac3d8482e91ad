from django.contrib import admin

from safetynet.supervision.models import AuditEvent


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
