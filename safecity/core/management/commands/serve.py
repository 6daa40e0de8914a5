import multiprocessing
import os
import signal
import subprocess
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve SafeCity with gunicorn (a production WSGI server), static files through WhiteNoise."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("SAFECITY_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "0")) or None)
        parser.add_argument("--threads", type=int, default=int(os.environ.get("SAFECITY_THREADS", "4")))
        parser.add_argument(
            "--with-worker",
            action="store_true",
            help="Also run the background worker (`safecity worker`, periodic sweeps included) as a child process; "
            "Ctrl-C or SIGTERM stops both (what `make run` does).",
        )

    def handle(self, *args, bind: str, workers: int | None, threads: int, with_worker: bool = False, **options):
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
        if not with_worker:
            os.execvp(sys.executable, [sys.executable, "-m", *argv])
        self.stdout.write("Starting the background worker too (deliveries, periodic sweeps); Ctrl-C stops both.")
        self.stdout.flush()
        sys.exit(serve_with_worker([sys.executable, "-m", *argv], self.stdout))


def _die_with_parent() -> None:  # pragma: no cover - runs in the forked child
    """Linux: have the kernel send the child SIGTERM if ``serve`` itself is killed (even with SIGKILL)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def serve_with_worker(server_argv: list[str], stdout, *, worker_stop_timeout: float = 30.0) -> int:
    """Run the web server and the background worker; when the server stops, stop the worker; return the exit code.

    The worker runs in a session of its own, so a Ctrl-C in the terminal reaches only the server (and this
    process): the worker then gets one SIGTERM from here and shuts down warmly, finishing the task in hand.
    """
    worker = subprocess.Popen(
        [sys.executable, "-m", "safecity.cli", "worker"], start_new_session=True, preexec_fn=_die_with_parent
    )
    server = subprocess.Popen(server_argv, preexec_fn=_die_with_parent)

    def forward(signum, frame):
        if server.poll() is None:
            server.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
    warned = False
    try:
        while True:
            try:
                return server.wait(timeout=2)
            except subprocess.TimeoutExpired:
                if worker.poll() is not None and not warned:
                    warned = True
                    stdout.write(f"The background worker stopped (exit status {worker.returncode}); still serving.")
    finally:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=worker_stop_timeout)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
