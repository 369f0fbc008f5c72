"""Named selections of the directory that a QuerySet method cannot express."""

from itertools import islice

from roundtable.ecosystem.models import Organization, Tag


def with_tag_lists(organizations):
    """Give each organization a `tag_list` (by type, then name) in two indexed queries.

    Why not prefetch_related("tags"): Django joins tags to the link table starting from the
    workspace's tags, and SQLite's planner, without statistics, then probes the link table once
    per tag and organization: ~60 ms for a page of 50 at 300 tags. Reading the link rows of these
    organizations first, then their tags by primary key, takes ~1 ms whatever the tag count.
    """
    organizations = list(organizations)
    links = Organization.tags.through.objects.filter(
        organization_id__in=[org.pk for org in organizations]
    ).values_list("organization_id", "tag_id")
    tag_ids: dict[int, list[int]] = {}
    for organization_id, tag_id in links:
        tag_ids.setdefault(organization_id, []).append(tag_id)
    tags = Tag.objects.in_bulk({tag_id for ids in tag_ids.values() for tag_id in ids})
    for org in organizations:
        org.tag_list = sorted(
            (tags[tag_id] for tag_id in tag_ids.get(org.pk, [])), key=lambda t: (t.type, t.name)
        )
    return organizations


def in_chunks_with_tags(queryset, size: int = 2000):
    """Iterate a large queryset with `tag_list` set, `size` rows at a time (exports)."""
    rows = queryset.iterator(chunk_size=size)
    while chunk := list(islice(rows, size)):
        yield from with_tag_lists(chunk)
