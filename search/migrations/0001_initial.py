import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

# The GIN index exists on PostgreSQL only: SQLite has no such index type, and the
# vector column stays NULL there. It is not declared in SearchEntry.Meta, so that
# SQLite never tries to recreate it when it rebuilds the table.
GIN_INDEX = "search_entry_vector_gin"


def create_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        table = schema_editor.quote_name(apps.get_model("search", "SearchEntry")._meta.db_table)
        schema_editor.execute(f"CREATE INDEX {GIN_INDEX} ON {table} USING gin (vector)")


def drop_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("essays", "0002_writing_audio_bytes_writing_audio_seconds_and_more"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                (
                    "writing",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_entry",
                        serialize=False,
                        to="essays.writing",
                    ),
                ),
                ("title", models.TextField(blank=True)),
                ("description", models.TextField(blank=True)),
                ("tags", models.TextField(blank=True)),
                ("body", models.TextField(blank=True)),
                (
                    "vector",
                    django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
                ),
            ],
            options={
                "verbose_name_plural": "search entries",
            },
        ),
        migrations.RunPython(create_gin_index, drop_gin_index, elidable=False),
    ]
