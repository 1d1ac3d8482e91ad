from django.contrib import admin

from safetynet.documents.models import Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    """Read-only: a paper is issued by the services and, once handed out, never changed."""

    list_display = ["number", "kind", "case", "issued_on", "issued_by"]
    list_filter = ["kind", "year"]
    search_fields = ["number", "=case__id"]
    raw_id_fields = ["case", "event", "household", "letter", "replaced_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
