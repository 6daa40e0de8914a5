"""``safecity purge_personal_data [--dry-run]``: anonymise personal data past its retention period."""

from django.core.management.base import BaseCommand

from safecity.epidemic.purge import PurgeResult, purge_personal_data


def _persons(result: PurgeResult) -> str:
    """The persons part of the summary: N persons (S only screened[, C only contacts])."""
    parts = [f"{result.screened_persons} only screened"]
    if result.contact_persons:
        parts.append(f"{result.contact_persons} only contacts")
    return f"{result.persons} persons ({', '.join(parts)})"


class Command(BaseCommand):
    help = (
        "Anonymise persons whose cases, management plans and quarantine stays all closed longer ago than the "
        "protocol's retention period, persons only screened whose record has not changed for longer than "
        "the longest retention of the protocols in force, and persons only contacts of cases all closed longer "
        "ago than those cases' retention: name, identity number, phone, address and notes, and the free text "
        "of their records, in the current rows and in their history. Sex, birth year and region are kept for "
        "statistics."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be purged; change nothing.")

    def handle(self, *args, dry_run: bool = False, **options):
        result = purge_personal_data(dry_run=dry_run)
        free_text = ", ".join(f"{label} {n}" for label, n in sorted(result.free_text.items()) if n)
        if dry_run:
            self.stdout.write(
                f"dry run: {_persons(result)} "
                f"(and {result.merged_persons} merged duplicates) would be anonymised, "
                f"{result.person_versions} history versions, {result.assist_items} assist-request rows"
            )
            self.stdout.write(
                f"free text that would be emptied: {free_text or 'none'} ({result.free_text_versions} history versions)"
            )
            for candidate in result.candidates:
                self.stdout.write(
                    f"  person #{candidate.person_id} ({candidate.rule}): last {candidate.closed_at:%Y-%m-%d}, "
                    f"retention {candidate.retention_days} days"
                )
            return
        self.stdout.write(
            f"anonymised {_persons(result)}, "
            f"{result.merged_persons} merged duplicates, "
            f"{result.person_versions} history versions, {result.assist_items} assist-request rows"
        )
        self.stdout.write(f"free text emptied: {free_text or 'none'} ({result.free_text_versions} history versions)")
