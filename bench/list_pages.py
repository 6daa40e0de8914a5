"""Benchmark: the organization list page and API list at scale (default 100,000 organizations in Xinhui).

As ``county-xinhui`` (Django's test ``Client``, ``force_login``) it requests, 20 times each after 2 warm-up
requests, the list page (first page, page 500, a name search) and the API list (first page, page 500), and prints
the median and p90 in milliseconds and the SQL queries per request.

Baseline, same run, measured first: the same URLs with only the demo city (the ~40 organizations Xinhui has).
With so few rows page 500 does not exist: the page falls back to its last page, and the API (which answers 404
for a page past the end) is asked for ``?page=last`` instead. Then M organizations are added with a plain
``bulk_create`` (no history; PostgreSQL statistics refreshed with ANALYZE as autovacuum would) and everything is
measured again; the ratio is large / small (medians).

    .venv/bin/python bench/list_pages.py [--rows M] [--requests 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/list_pages.py
"""

from __future__ import annotations

import argparse
import time

import _setup

SEARCH = "五金"  # in 1 of 6 generated names, and in some of the demo's enterprises
SURNAMES = "陈李黄张梁林何吴罗谭郑冯钟赵周"
SUFFIXES = ["建筑工程有限公司", "化工有限公司", "客运有限公司", "五金制品厂", "水产养殖专业合作社", "物流有限公司"]


def cases(large_rows: int) -> list[tuple[str, str, str]]:
    """(label, URL on the small data set, URL on the large one). Page 500 needs 24,951+ rows (50 a page)."""
    deep = "500" if large_rows > 499 * 50 else "last"
    return [
        ("list page 1", "/orgs/organizations/", "/orgs/organizations/"),
        ("list page 500", "/orgs/organizations/?page=500", f"/orgs/organizations/?page={deep}"),
        ("list search q", f"/orgs/organizations/?q={SEARCH}", f"/orgs/organizations/?q={SEARCH}"),
        ("api page 1", "/api/organizations/", "/api/organizations/"),
        ("api page 500", "/api/organizations/?page=last", f"/api/organizations/?page={deep}"),
    ]


def add_organizations(m: int) -> float:
    """Bulk-create ``m`` enterprises spread over Xinhui's towns and villages; returns seconds taken."""
    from django.db import transaction

    from safecity.geo.models import Region
    from safecity.orgs.models import Organization

    regions = list(Region.objects.filter(prefix__startswith="440705", level__in=[4, 5]).order_by("code"))
    start = time.perf_counter()
    batch: list[Organization] = []
    with transaction.atomic():
        for i in range(m):
            region = regions[i % len(regions)]
            surname = SURNAMES[i % len(SURNAMES)]
            batch.append(
                Organization(
                    name=f"新会{surname}记{i:06d}{SUFFIXES[i % len(SUFFIXES)]}",
                    kind="enterprise",
                    sector="emergency_management",
                    region=region,
                    address=f"{region.name}工业大道{i % 300 + 1}号",
                    responsible_person=f"{surname}{'伟芳娜敏静丽强磊军洋'[i % 10]}",
                    responsible_phone=f"13{i % 7 + 3}{i:08d}",
                    contact_name=f"{SURNAMES[(i // 3) % len(SURNAMES)]}经理",
                    contact_phone=f"0750-6{i % 1000000:06d}",
                )
            )
            if len(batch) == 5000:
                Organization.objects.bulk_create(batch)
                batch = []
        Organization.objects.bulk_create(batch)
    seconds = time.perf_counter() - start
    _setup.analyze()
    return seconds


def measure(client, url: str, requests: int) -> dict:
    """Warm up, count the queries of one request, then time ``requests`` requests."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = {"HTTP_ACCEPT": "application/json"} if url.startswith("/api/") else {}
    for _ in range(2):
        response = client.get(url, **headers)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        client.get(url, **headers)
    # Read the count now: captured_queries slices the live log, which the next request resets.
    query_count = len(queries.captured_queries)
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url, **headers)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return {
        "median": _setup.median(timings),
        "p90": _setup.percentile(timings, 90),
        "queries": query_count,
        "bytes": len(response.content),
    }


def run_all(client, urls: list[tuple[str, str]], requests: int) -> dict[str, dict]:
    return {label: measure(client, url, requests) for label, url in urls}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="organizations to add (default 100,000)")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per URL (default 20)")
    args = parser.parse_args()

    _setup.setup()

    from django.test import Client

    from safecity.accounts.models import User
    from safecity.orgs.models import Organization

    user = User.objects.get(username="county-xinhui")
    client = Client()
    client.force_login(user)
    in_scope = Organization.objects.restrict(user, "view")

    small_rows = in_scope.count()
    print(f"# baseline: demo city only, {small_rows:,} organizations visible to county-xinhui")
    urls = cases(small_rows + args.rows)
    small = run_all(client, [(label, url) for label, url, _ in urls], args.requests)

    seconds = add_organizations(args.rows)
    large_rows = in_scope.count()
    print(f"# scale: +{args.rows:,} organizations in Xinhui ({seconds:.1f}s bulk_create) → {large_rows:,} visible")
    large = run_all(client, [(label, url) for label, _, url in urls], args.requests)

    print(f"# {args.requests} timed requests per URL after 2 warm-up requests; times in ms; search q={SEARCH}")
    print("# q = SQL queries per request; KB = response size on the large data set; ratio = large / small median")
    print()
    head = f"{'URL':<16} {'small med':>9} {'p90':>7} {'q':>3}   {'large med':>9} {'p90':>7} {'q':>3}"
    head += f"  {'KB':>5}  {'ratio':>6}"
    print(head)
    print("-" * len(head))
    for label, _small_url, large_url in urls:
        s, g = small[label], large[label]
        print(
            f"{label:<16} {s['median']:9.1f} {s['p90']:7.1f} {s['queries']:3d}   "
            f"{g['median']:9.1f} {g['p90']:7.1f} {g['queries']:3d}  {g['bytes'] / 1024:5.0f}  "
            f"{_setup.ratio(g['median'], s['median']):>6}  {large_url}"
        )


if __name__ == "__main__":
    main()
