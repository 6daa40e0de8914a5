from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safecity.accounts.models import User
from safecity.core import importers
from safecity.core.views import ObjectViews


class Command(BaseCommand):
    help = (
        "Check (and with --commit, import) a CSV/XLSX file of records as a given user, with the same validation, "
        "scope and all-or-nothing rule as the import page. Example: safecity import_records orgs.organization "
        "units.xlsx --user county-xinhui --commit"
    )

    def add_arguments(self, parser):
        parser.add_argument("model", help="app_label.model_name, e.g. geo.region, orgs.organization, accounts.user")
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="The user the import runs as (their scope applies).")
        parser.add_argument("--commit", action="store_true", help="Import when the whole file is valid.")

    def handle(self, *args, model: str, file: Path, user: str, commit: bool, **options):
        bundle = next(
            (b for b in ObjectViews.registry if b.model._meta.label_lower == model.lower() and b.import_form), None
        )
        if bundle is None:
            choices = ", ".join(sorted(b.model._meta.label_lower for b in ObjectViews.registry if b.import_form))
            raise CommandError(f"No import for {model!r}; choose one of: {choices}")
        actor = User.objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user {user!r}")
        try:
            headers, rows = importers.read_table(file.read_bytes(), file.name)
        except (OSError, importers.ImportFileError) as exc:
            raise CommandError(str(exc)) from exc
        result = importers.validate_rows(bundle.import_form, headers, rows, user=actor)
        if result.unknown_headers:
            self.stderr.write(f"Ignored columns: {', '.join(result.unknown_headers)}")
        if result.missing_columns:
            raise CommandError(f"Missing required columns: {', '.join(result.missing_columns)}")
        for error in result.errors:
            self.stderr.write(f"row {error.row} · {error.field or '-'}: {error.message}")
        if result.errors:
            raise CommandError(f"{len(result.errors)} errors in {result.total_rows} rows; nothing imported.")
        if not commit:
            self.stdout.write(f"All {result.total_rows} rows are valid. Run again with --commit to import them.")
            return
        count = importers.commit_rows(result, actor=actor, bulk=bundle.import_bulk)
        self.stdout.write(self.style.SUCCESS(f"Imported {count} records."))
