"""``safecity worker``: the background worker (Celery) with the periodic sweeps (embedded beat)."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Run the background worker: queued jobs (notification deliveries …) and, unless --no-beat, the periodic "
        "sweeps. Same as `celery -A safecity worker -B` with SafeCity's defaults."
    )

    def add_arguments(self, parser):
        parser.add_argument("--concurrency", type=int, default=int(os.environ.get("SAFECITY_WORKER_CONCURRENCY", "2")))
        parser.add_argument(
            "--no-beat",
            action="store_true",
            help="Do not run the periodic sweeps in this worker (run exactly one beat per deployment).",
        )
        parser.add_argument("--loglevel", default=os.environ.get("LOG_LEVEL", "INFO"))
        parser.add_argument("--pool", default=None, help="prefork (default), threads or solo.")

    def handle(self, *args, concurrency: int, no_beat: bool, loglevel: str, pool: str | None, **options):
        from safecity.celery import app

        folder = settings.VAR_DIR / "celery"
        folder.mkdir(parents=True, exist_ok=True)
        argv = [
            "worker",
            f"--concurrency={concurrency}",
            f"--loglevel={loglevel}",
            "--hostname=safecity@%h",
            # A second worker on the same var/ refuses to start (two beats would double every sweep).
            f"--pidfile={folder / 'worker.pid'}",
        ]
        if pool:
            argv.append(f"--pool={pool}")
        if not no_beat:
            argv += ["--beat", f"--schedule={folder / 'beat-schedule'}"]
        app.worker_main(argv)
