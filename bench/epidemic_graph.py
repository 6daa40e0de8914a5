"""Benchmark: reads of a city-scale outbreak — contacts of a case, a 50,000-person chain through the API, the
chain page of a 10,000-person chain in Chromium.

    [DATABASE_URL=postgres://…/<db>] python bench/epidemic_graph.py \\
        [--persons 1000000 --edges 2000000 --cases 10000 --largest 50000] [--samples 1000] [--no-browser]

The outbreak is written by ``safecity generate_outbreak`` (its ``generate`` function, same data as the
command, history rows included; generation is timed and printed, not part of the figures). Then:

(b) ``contacts_of_case(case, depth=2)`` evaluated for ``--samples`` random cases: p50/p95 in ms and rows per
    case; baseline: a primary-key read of the same cases (``Case.objects.get(pk=…)``).
(c) the chain-graph API for the largest chain (``--largest`` persons), as user ``hq`` through Django's test
    client: time, status, response size and nodes in it, 5 runs after a warm-up (the chain's structure is then
    kept by the process, as between two readers of an unchanged chain), and 3 "cold" runs with that kept
    structure dropped first (the first reader after any change in the chain); baseline: the same endpoint for
    a 2-person chain.
(d) Chromium (``/usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-background-networking``,
    Playwright) opens the chain page of the second chain (a fifth of ``--largest``: 10,000 persons at full
    scale) on a live server in this process: time from navigation start until the graph element carries
    ``data-ready="1"`` (set by chain.js once the graph is fetched and drawn: the page's "interactive"
    signal); 3 runs after a warm-up; baseline: the same page
    for a 2-person chain.

Targets (issue #5, on PostgreSQL): (b) p95 ≤ 50 ms, (c) ≤ 1 s, (d) ≤ 3 s.
"""

from __future__ import annotations

import argparse
import random
import re
import time

from _setup import Timer, median, percentile, setup

#: The chain page's canvas gets ``data-ready="1"`` once the graph JSON is in and drawn (static/safecity/chain.js).
READY_SELECTOR = '#sc-chain[data-ready="1"]'


def find_path(pattern_test) -> str | None:
    """The first URL pattern (as a path with ``{pk}``) whose route satisfies ``pattern_test``."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix=""):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                yield route

    for route in walk(get_resolver().url_patterns):
        route = route.replace("^", "").replace("$", "").replace("\\Z", "")
        if pattern_test(route):
            path = re.sub(r"<(?:int:)?pk>|\(\?P<pk>[^)]*\)", "{pk}", route)
            path = re.sub(r"\.\(\?P<format>[^)]*\)/\?|<drf_format_suffix:format>", "", path)
            return "/" + path.replace("\\", "")
    return None


def bench_contacts(samples: int) -> None:
    from safecity.epidemic.models import Case
    from safecity.epidemic.selectors import contacts_of_case

    ids = list(Case.objects.values_list("pk", flat=True))
    rng = random.Random(7)
    chosen = [rng.choice(ids) for _ in range(samples)]
    cases = {c.pk: c for c in Case.objects.filter(pk__in=chosen)}
    for pk in chosen[:20]:  # warm-up
        list(contacts_of_case(cases[pk], depth=2))
    times, sizes = [], []
    for pk in chosen:
        start = time.perf_counter()
        rows = list(contacts_of_case(cases[pk], depth=2))
        times.append((time.perf_counter() - start) * 1000)
        sizes.append(len(rows))
    base = []
    for pk in chosen:
        start = time.perf_counter()
        Case.objects.get(pk=pk)
        base.append((time.perf_counter() - start) * 1000)
    p50, p95 = percentile(times, 50), percentile(times, 95)
    b50, b95 = percentile(base, 50), percentile(base, 95)
    print(
        f"(b) contacts_of_case(depth=2), {samples} random cases: p50 {p50:.2f} ms, p95 {p95:.2f} ms, "
        f"max {max(times):.1f} ms; rows per case median {median(sizes):.0f}, p95 {percentile(sizes, 95)}, "
        f"max {max(sizes)}  (target p95 ≤ 50 ms)"
    )
    print(
        f"    baseline Case.objects.get(pk): p50 {b50:.2f} ms, p95 {b95:.2f} ms  →  ratio p50 {p50 / b50:.1f}x, "
        f"p95 {p95 / b95:.1f}x"
    )


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def bench_api(user, big_id: int, small_id: int) -> None:
    path = find_path(lambda r: r.startswith("api/") and "cluster" in r and "graph" in r and "pk" in r)
    if path is None:
        print("(c) the chain-graph API is not there (no URL under api/ with 'cluster' and 'graph'): not measured")
        return
    client = _client(user)

    def measure(pk: int, runs: int) -> tuple[list[float], int, int, str]:
        url = path.format(pk=pk)
        response = client.get(url)  # warm-up
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            response = client.get(url)
            body = response.content
            times.append(time.perf_counter() - start)
        nodes = "-"
        if response.status_code == 200:
            data = response.json()
            nodes = (
                f"{data.get('shown_nodes', len(data.get('nodes', [])))} of {data.get('total_nodes', '?')} persons"
                f"{', aggregated' if data.get('truncated') else ''}"
            )
        return times, response.status_code, len(body), nodes

    from safecity.epidemic import selectors

    big, status, size, nodes = measure(big_id, 5)
    cold = []
    for _ in range(3):
        selectors._structures.clear()
        start = time.perf_counter()
        client.get(path.format(pk=big_id))
        cold.append(time.perf_counter() - start)
    small, s_status, _s_size, s_nodes = measure(small_id, 5)
    print(
        f"(c) {path.format(pk=big_id)} (largest chain): median {median(big):.3f}s, max {max(big):.3f}s, "
        f"HTTP {status}, {size / 1e3:.0f} kB, nodes drawn: {nodes}  (target ≤ 1 s)"
    )
    print(
        f"    first request after a change in the chain (structure built, not kept): median {median(cold):.3f}s, "
        f"max {max(cold):.3f}s"
    )
    print(
        f"    baseline the same API for a 2-person chain: median {median(small) * 1000:.1f} ms (HTTP {s_status}, "
        f"{s_nodes})  →  ratio {median(big) / median(small):.1f}x"
    )


def bench_browser(user, mid_id: int, small_id: int) -> None:
    from pathlib import Path

    path = find_path(lambda r: not r.startswith("api/") and "cluster" in r and "chain" in r and "pk" in r)
    if path is None:
        print("(d) the chain page is not there (no page URL with 'cluster' and a pk): not measured")
        return
    if not Path("/usr/bin/chromium").exists():
        print("(d) /usr/bin/chromium is missing: not measured")
        return
    from django.conf import settings
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread
    from playwright.sync_api import sync_playwright

    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    base_url = f"http://127.0.0.1:{server.port}"
    session = _client(user).cookies[settings.SESSION_COOKIE_NAME].value
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            context = browser.new_context(base_url=base_url, locale="zh-CN", viewport={"width": 1366, "height": 800})
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}])
            page = context.new_page()

            def measure(pk: int, runs: int) -> tuple[list[float], str]:
                url = path.format(pk=pk)
                times, note = [], ""
                for run in range(runs + 1):
                    start = time.perf_counter()
                    page.goto(url, wait_until="commit")
                    try:
                        page.wait_for_selector(READY_SELECTOR, state="attached", timeout=60_000)
                    except Exception as exc:  # no ready signal: report, do not invent a figure
                        return [], f"no {READY_SELECTOR} within 60 s ({type(exc).__name__})"
                    elapsed = time.perf_counter() - start
                    if run:  # the first run warms the server and the browser cache
                        times.append(elapsed)
                note = page.eval_on_selector(
                    READY_SELECTOR, "e => e.dataset.nodeCount + ' nodes, fetch ' + e.dataset.loadMs + ' ms'"
                )
                return times, note

            mid, mid_note = measure(mid_id, 3)
            small, small_note = measure(small_id, 3)
            browser.close()
    finally:
        server.terminate()
    if not mid:
        print(f"(d) {path.format(pk=mid_id)}: {mid_note}")
        return
    print(
        f"(d) Chromium, chain page {path.format(pk=mid_id)} (second chain): time to interactive median "
        f"{median(mid):.2f}s, max {max(mid):.2f}s ({mid_note})  (target ≤ 3 s)"
    )
    if small:
        print(
            f"    baseline the same page for a 2-person chain: median {median(small):.2f}s ({small_note})  →  "
            f"ratio {median(mid) / median(small):.1f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=2_000_000)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--largest", type=int, default=50_000)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    setup()

    from django.contrib.auth import get_user_model

    from safecity.epidemic.management.commands.generate_outbreak import generate
    from safecity.epidemic.models import Cluster

    user = get_user_model().objects.get(username="hq")
    with Timer() as t:
        stats = generate(
            persons=args.persons,
            edges=args.edges,
            cases=args.cases,
            largest=args.largest,
            seed=1,
            actor=user,
            log=lambda text: print(f"# {text}"),
        )
    print(
        f"# generated {stats['persons']:,} persons, {stats['exposures']:,} exposures, {stats['cases']:,} cases, "
        f"{stats['clusters']:,} chains, {stats['contacts']:,} contacts in {t.seconds:.1f}s (history rows included)"
    )
    (big_id, big_size), (mid_id, mid_size) = stats["largest_clusters"][:2]
    small_id = Cluster.objects.filter(size=2, disease_id=stats["disease_id"]).values_list("pk", flat=True).first()
    small_id = small_id or Cluster.objects.order_by("size").values_list("pk", flat=True).first()
    print(f"# largest chain id {big_id} ({big_size:,} persons), second id {mid_id} ({mid_size:,}), small id {small_id}")
    bench_contacts(args.samples)
    bench_api(user, big_id, small_id)
    if not args.no_browser:
        bench_browser(user, mid_id, small_id)


if __name__ == "__main__":
    main()
