"""The training topics and their certificate validity (``rules.TOPICS``; kept by administrators afterwards).

``Expert.certificates`` (free text, one certificate per line, with only the earliest expiry for all of them) is
not turned into certificate rows: a line has no topic, number, issue date or expiry of its own, so every row
would be a guess. The text stays on the expert; new certificates are recorded here.
"""

from django.db import migrations


def add(apps, schema_editor):
    from safecity.training.rules import load_topics

    load_topics(apps)


class Migration(migrations.Migration):
    dependencies = [("training", "0002_initial")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
