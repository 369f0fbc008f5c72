"""Keyset pagination with a capped count: list pages that stay fast at any depth.

OFFSET pagination reads and throws away every row before the page, and an exact COUNT(*) reads
every matching row, so both grow with the directory (see benchmarks/directory_list.py). A keyset
page starts right after (or before) a known row through the ordering index instead; the cursor is
that row's public uuid, so sequential ids never leave the app. Counts stop at `COUNT_CAP`: "10,000+"
tells the user as much as an exact figure would.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from uuid import UUID

from django.db.models import Q

COUNT_CAP = 10_000


@dataclass
class KeysetPage:
    items: list
    has_next: bool
    has_previous: bool
    count: int
    count_capped: bool
    ordering: list[str] = field(default_factory=list)

    @property
    def next_cursor(self) -> UUID | None:
        return self.items[-1].uuid if self.has_next and self.items else None

    @property
    def previous_cursor(self) -> UUID | None:
        return self.items[0].uuid if self.has_previous and self.items else None


def capped_count(queryset, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(count, capped): the number of rows, counting no further than `cap`."""
    count = queryset.order_by()[: cap + 1].count()
    return min(count, cap), count > cap


def _beyond(ordering: list[str], values: dict, *, forward: bool) -> Q:
    """Rows after (forward) or before the row with `values`, in lexicographic `ordering`."""
    lookup = "gt" if forward else "lt"
    conditions = []
    for depth, name in enumerate(ordering):
        equal = {prior: values[prior] for prior in ordering[:depth]}
        conditions.append(Q(**equal, **{f"{name}__{lookup}": values[name]}))
    # The redundant `first >= value` lets the database seek the ordering index to the cursor;
    # the OR alone makes SQLite walk the index from its start (0.19 s → ms at 90% of 100k rows).
    first = ordering[0]
    return Q(**{f"{first}__{lookup}e": values[first]}) & reduce(or_, conditions)


def keyset_page(
    queryset,
    *,
    ordering: list[str],
    after: UUID | None = None,
    before: UUID | None = None,
    size: int = 50,
    count: bool = True,
) -> KeysetPage:
    """One page of `queryset` in `ordering` (ascending fields ending in a unique one, e.g. id),
    starting after the row `after` or ending before the row `before` (uuids). A cursor that names
    no row (deleted since, or another workspace's) gives the first page."""
    cursor = after or before
    anchor = None
    if cursor is not None:
        anchor = queryset.model.objects.filter(uuid=cursor).values(*ordering).first()
    total, capped = capped_count(queryset) if count else (0, False)
    if count and not total:
        return KeysetPage([], False, False, 0, False, ordering)
    ordered = queryset.order_by(*ordering)
    if anchor is None:
        rows = list(ordered[: size + 1])
        return KeysetPage(rows[:size], len(rows) > size, False, total, capped, ordering)
    if after is not None:
        rows = list(ordered.filter(_beyond(ordering, anchor, forward=True))[: size + 1])
        return KeysetPage(rows[:size], len(rows) > size, True, total, capped, ordering)
    backwards = ordered.filter(_beyond(ordering, anchor, forward=False)).reverse()
    rows = list(backwards[: size + 1])
    items = rows[:size][::-1]
    return KeysetPage(items, True, len(rows) > size, total, capped, ordering)
