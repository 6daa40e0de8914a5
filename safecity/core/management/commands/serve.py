import multiprocessing
import os
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve SafeCity with gunicorn (a production WSGI server), static files through WhiteNoise."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("SAFECITY_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "0")) or None)
        parser.add_argument("--threads", type=int, default=int(os.environ.get("SAFECITY_THREADS", "4")))

    def handle(self, *args, bind: str, workers: int | None, threads: int, **options):
        workers = workers or min(2 * multiprocessing.cpu_count() + 1, 9)
        argv = [
            "gunicorn",
            "safecity.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--access-logfile",
            "-",
            "--timeout",
            "120",
        ]
        self.stdout.write(f"Serving SafeCity at http://{bind}/ ({workers} workers × {threads} threads)")
        sys.stdout.flush()
        os.execvp(sys.executable, [sys.executable, "-m", *argv])
