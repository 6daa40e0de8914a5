"""``safecity serve`` runs a production WSGI server (gunicorn), static files included."""

import os
import socket
import subprocess
import sys
import time
import urllib.request


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_the_login_page_and_static_files_through_gunicorn(tmp_path):
    port = _free_port()
    env = {**os.environ, "SAFECITY_VAR_DIR": str(tmp_path), "DEBUG": "0"}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "safecity.cli", "collectstatic", "--noinput", "-v0"], env=env, check=True, timeout=120
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "safecity.cli", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        body = ""
        for _ in range(60):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2) as response:
                    body = response.read().decode()
                    break
            except OSError:
                time.sleep(0.25)
        assert 'name="password"' in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/safecity/safecity.css", timeout=2) as response:
            assert response.status == 200
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0].decode(errors="replace")
    assert "gunicorn" in output.lower() or "Booting worker" in output
