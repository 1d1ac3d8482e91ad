from django.contrib import admin

from safetynet.notices.models import Letter


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    """Read-only: a letter is issued by services.issue_letter and, once served, never changed."""

    list_display = ["number", "kind", "case", "issued_on", "issued_by"]
    list_filter = ["kind", "year"]
    search_fields = ["number", "=case__id"]
    raw_id_fields = ["case", "event"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
