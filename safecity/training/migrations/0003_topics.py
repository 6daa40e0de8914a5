"""The training topics and their certificate validity (``rules.TOPICS``; kept by administrators afterwards).

``Expert.certificates`` (free text, one certificate per line, with only the earliest expiry for all of them) is
not turned into certificate rows: a line has no topic, number, issue date or expiry of its own, so every row
would be a guess. The text stays on the expert; new certificates are recorded here.
"""

from django.db import migrations

from safecity.training.rules import TOPICS


def add(apps, schema_editor):
    Topic = apps.get_model("training", "Topic")
    for order, (code, name, months) in enumerate(TOPICS, start=1):
        Topic.objects.get_or_create(code=code, defaults={"name": name, "validity_months": months, "order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("training", "0002_initial")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
