"""``safecity purge_personal_data [--dry-run]``: anonymise personal data past its protocol's retention."""

from django.core.management.base import BaseCommand

from safecity.epidemic.purge import purge_personal_data


class Command(BaseCommand):
    help = (
        "Anonymise persons whose cases and management plans all closed longer ago than the protocol's "
        "retention period: name, identity number, phone, address and notes, in the current rows and in "
        "their history. Sex, birth year and region are kept for statistics."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be purged; change nothing.")

    def handle(self, *args, dry_run: bool = False, **options):
        result = purge_personal_data(dry_run=dry_run)
        if dry_run:
            self.stdout.write(
                f"dry run: {result.persons} persons (and {result.merged_persons} merged duplicates) would be anonymised"
            )
            for candidate in result.candidates:
                self.stdout.write(
                    f"  person #{candidate.person_id}: closed {candidate.closed_at:%Y-%m-%d}, "
                    f"retention {candidate.retention_days} days"
                )
            return
        self.stdout.write(
            f"anonymised {result.persons} persons, {result.merged_persons} merged duplicates, "
            f"{result.person_versions} history versions, {result.assist_items} assist-request rows"
        )
