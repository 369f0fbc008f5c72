"""Site staff's view of every workspace's directory (the admin runs with scopes disabled)."""

from django.contrib import admin

from roundtable.ecosystem.models import Organization, Partnership, Person, Tag


class DirectoryAdmin(admin.ModelAdmin):
    # Directories run to 100,000s of rows: no exact count of unfiltered lists, no giant selects.
    show_full_result_count = False
    list_select_related = ["workspace"]
    readonly_fields = ["uuid", "created_at", "updated_at"]


@admin.register(Organization)
class OrganizationAdmin(DirectoryAdmin):
    list_display = ["name", "domain", "kind", "status", "is_us", "workspace"]
    list_filter = ["kind", "status", "is_us"]
    search_fields = ["name", "domain", "workspace__slug"]
    raw_id_fields = ["workspace", "partner_manager", "tags"]
    readonly_fields = [*DirectoryAdmin.readonly_fields, "normalized_name", "status_changed_at"]


@admin.register(Person)
class PersonAdmin(DirectoryAdmin):
    list_display = ["full_name", "email", "title", "organization", "workspace"]
    list_select_related = ["workspace", "organization"]
    search_fields = ["first_name", "last_name", "email", "workspace__slug"]
    raw_id_fields = ["workspace", "organization"]


@admin.register(Tag)
class TagAdmin(DirectoryAdmin):
    list_display = ["name", "type", "workspace"]
    list_filter = ["type"]
    search_fields = ["name", "workspace__slug"]
    raw_id_fields = ["workspace"]


@admin.register(Partnership)
class PartnershipAdmin(DirectoryAdmin):
    list_display = ["org_a", "org_b", "kind", "source", "since", "workspace"]
    list_select_related = ["workspace", "org_a", "org_b"]
    list_filter = ["kind", "source"]
    search_fields = ["org_a__name", "org_b__name", "workspace__slug"]
    raw_id_fields = ["workspace", "org_a", "org_b"]
