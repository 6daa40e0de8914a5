"""Reading stock: positions by region (on hand against the reserve standard) and depot summaries.

Everything here reads through ``restrict(user, "view")`` and aggregates in the database (one grouped
query for the lots, one for the standards), so a page costs the same few queries whatever the stock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import BooleanField, Case, Q, Sum, Value, When
from django.utils import timezone

from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region

from .models import Item, Lot, ReserveStandard


@dataclass
class StockPosition:
    """One item in one region (and everything below it): usable and expired stock against the standard."""

    region: Region
    item: Item
    usable: int = 0
    expired: int = 0
    minimum: int | None = None  # the region's reserve standard for the item, if it has one
    depots: set[str] = field(default_factory=set)
    own: bool = False  # only the depots placed at the region itself (not below it)

    @property
    def shortfall(self) -> int | None:
        """What is missing to meet the standard (0 when met); ``None`` where the region has no standard."""
        if self.minimum is None or self.own:
            return None
        return max(self.minimum - self.usable, 0)

    @property
    def depot_names(self) -> list[str]:
        return sorted(self.depots)

    @property
    def drillable(self) -> bool:
        return not self.own and self.region.level < RegionLevel.VILLAGE


@dataclass
class StockByRegion:
    parent: Region | None  # the region whose parts are the rows (None: the user's several scopes)
    totals: list[StockPosition]  # the parent as a whole, one per item
    rows: list[StockPosition]  # each part × item, region code then item order
    trail: list[Region]  # from the top of the user's scope down to ``parent``, for the breadcrumbs


def scope_regions(user) -> list[Region]:
    """The regions of the user's scopes (a superuser: the cities, or the top regions)."""
    if user.is_superuser:
        return list(Region.objects.filter(level=RegionLevel.CITY).order_by("code")) or list(
            Region.objects.filter(parent__isnull=True).order_by("code")
        )
    region_ids = user.scopes.values_list("region_id", flat=True)
    return list(Region.objects.filter(pk__in=region_ids).order_by("code"))


def _part_of(prefix: str, parts: dict[str, Region], lengths: list[int]) -> Region | None:
    for length in lengths:
        part = parts.get(prefix[:length])
        if part is not None:
            return part
    return None


def stock_by_region(user, *, region: Region | None = None, today: date | None = None) -> StockByRegion:
    """Stock positions of ``region``'s parts (its child regions and its own depots), item by item.

    Without ``region``: the user's scope — a single scope region is drilled into at once; several are the
    rows themselves. Each row counts the depots of that region *and below* (usable = not expired), and
    shows the reserve standard set for exactly that region and what is short of it. ``region`` must be one
    the user may view (the caller checks).
    """
    today = today or timezone.localdate()
    roots = scope_regions(user)
    if region is None and len(roots) == 1:
        region = roots[0]
    if region is not None:
        parts = list(Region.objects.filter(parent=region).order_by("code"))
        subtree = Q(depot__region__prefix__startswith=region.prefix)
    else:
        parts = roots
        subtree = Q()
        for root in roots:
            subtree |= Q(depot__region__prefix__startswith=root.prefix)
    by_prefix = {p.prefix: p for p in parts}
    lengths = sorted({len(p) for p in by_prefix}, reverse=True)
    grouped = (
        Lot.objects.restrict(user, "view")
        .filter(subtree, quantity__gt=0, depot__archived_at__isnull=True)
        .annotate(
            is_expired=Case(
                When(expiry_date__lt=today, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .values("depot__region__prefix", "depot__name", "item_id", "is_expired")
        .annotate(total=Sum("quantity"))
        .order_by()
    )
    cells: dict[tuple[str, int], StockPosition] = {}  # (row key, item) → position; row key "=" marks own depots
    totals: dict[int, StockPosition] = {}
    items: dict[int, Item] = {}

    def position(key: str, row_region: Region, item_id: int, *, own: bool = False) -> StockPosition:
        if (key, item_id) not in cells:
            cells[(key, item_id)] = StockPosition(region=row_region, item=item_id, own=own)
        return cells[(key, item_id)]

    for group in grouped:
        prefix, item_id = group["depot__region__prefix"], group["item_id"]
        part = _part_of(prefix, by_prefix, lengths)
        if part is not None:
            cell = position(part.prefix, part, item_id)
        elif region is not None and prefix == region.prefix:
            cell = position("=", region, item_id, own=True)
        else:
            continue  # outside the parts (cannot happen for a consistent region tree)
        kind = "expired" if group["is_expired"] else "usable"
        setattr(cell, kind, getattr(cell, kind) + group["total"])
        cell.depots.add(group["depot__name"])
        if region is not None:
            total = totals.setdefault(item_id, StockPosition(region=region, item=item_id))
            setattr(total, kind, getattr(total, kind) + group["total"])
            total.depots.add(group["depot__name"])
        items[item_id] = None
    standard_regions = [*parts, *([region] if region is not None else [])]
    standards = ReserveStandard.objects.restrict(user, "view").active().filter(region__in=standard_regions)
    for standard in standards.values("region_id", "item_id", "minimum"):
        items[standard["item_id"]] = None
        if region is not None and standard["region_id"] == region.pk:
            total = totals.setdefault(standard["item_id"], StockPosition(region=region, item=standard["item_id"]))
            total.minimum = standard["minimum"]
            continue
        part = next(p for p in parts if p.pk == standard["region_id"])
        position(part.prefix, part, standard["item_id"]).minimum = standard["minimum"]
    items = {i.pk: i for i in Item.objects.filter(pk__in=list(items))}
    for cell in [*cells.values(), *totals.values()]:
        cell.item = items[cell.item]

    def order(cell: StockPosition):
        return (cell.region.code, cell.own, cell.item.category, cell.item.name)

    trail = []
    if region is not None:
        top = next((r for r in roots if region.prefix.startswith(r.prefix)), region)
        trail = list(
            Region.objects.filter(
                level__gte=top.level, level__lte=region.level, code__in=_ancestor_codes(region)
            ).order_by("level")
        )
    return StockByRegion(
        parent=region,
        totals=sorted(totals.values(), key=order),
        rows=sorted(cells.values(), key=order),
        trail=trail,
    )


def _ancestor_codes(region: Region) -> list[str]:
    codes = []
    current = region
    while current is not None:
        codes.append(current.code)
        current = current.parent
    return codes


def depot_summaries(depots, *, today: date | None = None) -> dict[int, dict]:
    """For each depot: usable and expired stock per item, and the shortfalls of its region.

    ``{depot id: {"items": [(item, unit, usable, expired)], "usable": n, "expired": n, "short": n}}`` —
    ``short`` counts the reserve standards of the depot's own region not met by the usable stock of that
    region and below (as the shortfall list counts). Three queries whatever the number of depots.
    """
    today = today or timezone.localdate()
    depots = list(depots)
    ids = [d.pk for d in depots]
    summary = {d.pk: {"items": [], "usable": 0, "expired": 0, "short": 0} for d in depots}
    grouped = (
        Lot.objects.filter(depot_id__in=ids, quantity__gt=0)
        .annotate(
            is_expired=Case(
                When(expiry_date__lt=today, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .values("depot_id", "item__name", "item__unit", "is_expired")
        .annotate(total=Sum("quantity"))
        .order_by("depot_id", "item__name")
    )
    per_item: dict[tuple[int, str], list] = {}
    for group in grouped:
        key = (group["depot_id"], group["item__name"])
        row = per_item.get(key)
        if row is None:
            row = per_item[key] = [group["item__name"], group["item__unit"], 0, 0]
            summary[group["depot_id"]]["items"].append(row)
        row[3 if group["is_expired"] else 2] += group["total"]
        summary[group["depot_id"]]["expired" if group["is_expired"] else "usable"] += group["total"]
    regions = {d.region_id for d in depots}
    if regions:
        standards = list(
            ReserveStandard.objects.active()
            .filter(region_id__in=list(regions))
            .values("region_id", "region__prefix", "item_id", "minimum")
        )
        subtrees = Q(pk__in=[])
        for prefix in {s["region__prefix"] for s in standards}:
            subtrees |= Q(depot__region__prefix__startswith=prefix)
        usable = []
        if standards:
            usable = list(
                Lot.objects.filter(subtrees, depot__archived_at__isnull=True, quantity__gt=0)
                .filter(Q(expiry_date__isnull=True) | Q(expiry_date__gte=today))
                .values("depot__region__prefix", "item_id")
                .annotate(total=Sum("quantity"))
                .order_by()
            )
        short_in: dict[int, int] = {}
        for standard in standards:
            held = sum(
                u["total"]
                for u in usable
                if u["item_id"] == standard["item_id"]
                and u["depot__region__prefix"].startswith(standard["region__prefix"])
            )
            if held < standard["minimum"]:
                short_in[standard["region_id"]] = short_in.get(standard["region_id"], 0) + 1
        for depot in depots:
            summary[depot.pk]["short"] = short_in.get(depot.region_id, 0)
    return summary
