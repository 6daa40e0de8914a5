from django.core.management.base import BaseCommand

from safecity.demo import DEFAULT_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo city (Jiangmen) and one account per role. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="Password for every demo account.")

    def handle(self, *args, password: str, **options):
        added = load_demo(password=password)
        self.stdout.write(
            f"Demo city ready: {added['regions']} regions and {added['organizations']} organizations added this run."
        )
        self.stdout.write(f"Demo accounts (password for all: {password}):")
        for account in added["accounts"]:
            self.stdout.write(f"  {account.username:<18} {account.full_name}")
