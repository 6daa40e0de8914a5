from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from safecity.alerts import services
from safecity.alerts.choices import Channel, Outcome


class Command(BaseCommand):
    help = (
        "Receive CAP messages from files (e.g. a folder the warning feed drops them into), as a given user of the "
        "city duty room. Each file is received on its own: one that cannot be used is reported and the others go "
        "on; a file received before changes nothing. Exit status 1 when any file was refused. "
        "Example: safecity receive_cap /srv/cap/inbox/*.xml --user hq"
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, help="CAP XML files.")
        parser.add_argument("--user", required=True, help="The user the messages are received as (city scope).")

    def handle(self, *args, files: list[Path], user: str, **options):
        actor = get_user_model().objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user {user!r}")
        if not services.may_receive(actor):
            raise CommandError(f"{user} may not receive warnings (needs the permission and a scope covering the city)")
        refused = 0
        for path in files:
            try:
                result = services.receive(actor=actor, data=path.read_bytes(), channel=Channel.COMMAND)
            except (OSError, ValidationError, PermissionDenied) as exc:
                refused += 1
                reasons = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                self.stderr.write(f"{path}: refused — {reasons}")
                continue
            message = result.message
            what = "already received" if result.duplicate else str(Outcome(message.outcome).label)
            self.stdout.write(f"{path}: {message.sender} {message.identifier} — {what}")
        if refused:
            raise CommandError(f"{refused} of {len(files)} file(s) refused", returncode=1)
