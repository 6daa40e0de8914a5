"""The demo city's clock: demo loaders replay what people did over the past days (hazards found and
rectified, incidents reported) through the real services, each step at its own time, so history rows,
report times and on-time statistics read as they would had it happened then. Demo loading only — never
used by a request or a worker."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime
from unittest import mock


@contextmanager
def demo_clock(at: datetime):
    """Run the steps inside as if it were ``at`` (``django.utils.timezone.now``, which the services, auto
    timestamps and simple-history all read)."""
    with mock.patch("django.utils.timezone.now", return_value=at):
        yield
