from django.db import migrations


def sync(apps, schema_editor):
    from editorial.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    """The image library arrived after the roles: give editors and contributors its rights."""

    dependencies = [
        ("editorial", "0002_roles"),
        ("images", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
