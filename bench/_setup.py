"""Shared bootstrapping for the benchmarks in ``bench/``: a throwaway database with the demo city.

Call :func:`setup` before importing anything that touches Django models. It

* sets ``DJANGO_SETTINGS_MODULE=safecity.settings`` and ``ALLOWED_HOSTS`` (with ``testserver``);
* points ``SAFECITY_VAR_DIR`` at a fresh temporary directory, so the user's ``var/`` is untouched;
* without ``DATABASE_URL``: uses a fresh SQLite file inside that directory;
* with ``DATABASE_URL=postgres://…/<db>``: creates ``bench_<pid>`` on that server with psycopg, uses it,
  and drops it at exit (also on Ctrl-C / SIGTERM);
* runs ``django.setup()`` and ``migrate`` quietly, then loads the demo city (Jiangmen).

Everything it created is removed at exit.
"""

from __future__ import annotations

import atexit
import math
import os
import platform
import shutil
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT_DIR = Path(__file__).resolve().parent.parent
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

BENCH_PASSWORD = "Bench-pass-2026"


@dataclass
class BenchEnv:
    backend: str  # "sqlite" or "postgresql"
    database: str  # file path or database name
    server_version: str
    timings: dict[str, float] = field(default_factory=dict)

    def describe(self) -> str:
        parts = [
            f"backend={self.backend} {self.server_version}",
            f"python={platform.python_version()}",
            f"django={_django_version()}",
            f"cpus={os.cpu_count()}",
        ]
        return " · ".join(parts)


def _django_version() -> str:
    import django

    return django.get_version()


_cleanups: list = []


def _run_cleanups() -> None:
    while _cleanups:
        func = _cleanups.pop()
        try:
            func()
        except Exception as exc:  # cleanup must not hide the benchmark's own error
            print(f"[bench] cleanup failed: {exc!r}", file=sys.stderr)


def _on_sigterm(signum, frame):  # turn SIGTERM into a normal exit so atexit cleanups run
    raise SystemExit(128 + signum)


def _create_postgres_database(url: str) -> tuple[str, str]:
    """Create ``bench_<pid>`` on the server named by ``url``; return (the new URL, server version)."""
    import psycopg

    parts = urlsplit(url)
    name = f"bench_{os.getpid()}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    try:
        admin = psycopg.connect(admin_url, autocommit=True)
    except psycopg.OperationalError:  # no "postgres" database: use the one the URL names
        admin = psycopg.connect(url, autocommit=True)
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
        version = admin.execute("SHOW server_version").fetchone()[0]

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        try:
            conn = psycopg.connect(admin_url, autocommit=True)
        except psycopg.OperationalError:
            conn = psycopg.connect(url, autocommit=True)
        with conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    _cleanups.append(drop)
    return urlunsplit(parts._replace(path=f"/{name}")), version.split()[0]


def setup(*, load_demo: bool = True, quiet: bool = False) -> BenchEnv:
    """Bootstrap Django on a throwaway database (see the module docstring). Returns what was set up."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "safecity.settings"
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    var_dir = tempfile.mkdtemp(prefix="safecity-bench-")
    os.environ["SAFECITY_VAR_DIR"] = var_dir
    (Path(var_dir) / "static").mkdir()  # STATIC_ROOT: WhiteNoise warns when it is missing
    atexit.register(_run_cleanups)
    signal.signal(signal.SIGTERM, _on_sigterm)
    _cleanups.append(lambda: shutil.rmtree(var_dir, ignore_errors=True))

    url = os.environ.get("DATABASE_URL", "").strip()
    if url.startswith(("postgres://", "postgresql://", "pgsql://")):
        new_url, version = _create_postgres_database(url)
        os.environ["DATABASE_URL"] = new_url
        env = BenchEnv("postgresql", urlsplit(new_url).path.lstrip("/"), version)
    elif url:
        raise SystemExit(f"bench: only PostgreSQL DATABASE_URLs are supported (got {url.split(':', 1)[0]}://…)")
    else:
        import sqlite3

        os.environ.pop("DATABASE_URL", None)  # settings default: SQLite under SAFECITY_VAR_DIR
        env = BenchEnv("sqlite", str(Path(var_dir) / "safecity.sqlite3"), sqlite3.sqlite_version)

    import django
    from django.core.management import call_command

    django.setup()
    start = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    env.timings["migrate"] = time.perf_counter() - start
    if load_demo:
        from safecity.demo import load_demo as _load_demo

        start = time.perf_counter()
        _load_demo(password=BENCH_PASSWORD)
        env.timings["demo"] = time.perf_counter() - start
    if not quiet:
        print(f"# {env.describe()}")
        print(
            "# setup: "
            + ", ".join(f"{k} {v:.1f}s" for k, v in env.timings.items())
            + f" (database {env.database}, var dir {var_dir})"
        )
    return env


def analyze() -> None:
    """Refresh PostgreSQL planner statistics (what autovacuum would do soon after a bulk load). No-op on SQLite."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# ---- small measuring helpers ----------------------------------------------------------------------------------------


class Timer:
    """``with Timer() as t: …`` then ``t.seconds``."""

    def __enter__(self) -> Timer:
        self._start = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self._start


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (``pct`` in 0–100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(pct / 100 * len(ordered))))
    return ordered[rank - 1]


def median(values: list[float]) -> float:
    return statistics.median(values)


def ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.1f}x" if baseline > 0 else "n/a"
