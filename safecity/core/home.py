"""The home page: the user's own pending work first, then live counts for the user's scope, each linking to
the list behind it."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.shortcuts import render
from django.urls import reverse

from safecity.accounts.models import User
from safecity.geo.choices import RegionLevel
from safecity.geo.models import Region
from safecity.orgs.models import Organization

from . import dashboard
from .scoping import get_scopes


@login_required
def home(request):
    user = request.user
    regions = Region.objects.restrict(user, "view").active()
    by_level = dict(regions.values_list("level").annotate(n=Count("id")).values_list("level", "n"))
    region_list = reverse("geo:region_list")
    stats = []
    for level, name in (
        (RegionLevel.COUNTY, "county"),
        (RegionLevel.TOWN, "town"),
        (RegionLevel.VILLAGE, "village"),
        (RegionLevel.GRID, "grid"),
    ):
        stats.append(
            {"label": RegionLevel(level).label, "value": by_level.get(level, 0), "url": f"{region_list}?level={name}"}
        )
    scopes = get_scopes(user)
    top = regions.filter(level=RegionLevel.CITY) if scopes.unrestricted else regions.filter(prefix__in=scopes.prefixes)
    population = top.aggregate(total=Sum("population"))["total"]
    orgs = Organization.objects.restrict(user, "view").active()
    org_by_kind = orgs.values("kind").annotate(n=Count("id")).order_by("-n")
    users = User.objects.restrict(user, "view").filter(is_active=True).count()
    ctx = {
        "todos": dashboard.todos_for(user),
        "area_stats": dashboard.stats_for(user),
        "stats": stats,
        "population": population,
        "scope_regions": list(top.order_by("code")[:10]),
        "org_total": sum(row["n"] for row in org_by_kind),
        "org_by_kind": [
            {
                "label": dict(Organization._meta.get_field("kind").flatchoices).get(row["kind"], row["kind"]),
                "n": row["n"],
                "kind": row["kind"],
            }
            for row in org_by_kind
        ],
        "user_total": users,
    }
    if apps.is_installed("safecity.alerts"):  # warnings in force first: a red typhoon signal before any count
        from safecity.alerts.selectors import warnings_in_force

        ctx["warnings_in_force"] = list(warnings_in_force(user)[:8])
    if apps.is_installed("safecity.duty"):  # who is on duty now at the user's duty posts
        from safecity.duty.selectors import on_duty_cards

        ctx["on_duty_cards"] = on_duty_cards(user)
    return render(request, "core/home.html", ctx)
