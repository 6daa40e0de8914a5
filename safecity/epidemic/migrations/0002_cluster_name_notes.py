from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("epidemic", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="cluster",
            name="name",
            field=models.CharField(
                blank=True,
                db_default="",
                help_text="What investigators call the chain, e.g. a market cluster.",
                max_length=100,
                verbose_name="name",
            ),
        ),
        migrations.AddField(
            model_name="cluster",
            name="notes",
            field=models.TextField(blank=True, db_default="", verbose_name="notes"),
        ),
        migrations.AddField(
            model_name="historicalcluster",
            name="name",
            field=models.CharField(
                blank=True,
                db_default="",
                help_text="What investigators call the chain, e.g. a market cluster.",
                max_length=100,
                verbose_name="name",
            ),
        ),
        migrations.AddField(
            model_name="historicalcluster",
            name="notes",
            field=models.TextField(blank=True, db_default="", verbose_name="notes"),
        ),
    ]
