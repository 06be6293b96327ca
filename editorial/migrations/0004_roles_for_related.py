from django.db import migrations


def sync(apps, schema_editor):
    from editorial.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    """Related writing arrived after the roles: editors pin and exclude suggestions."""

    dependencies = [
        ("editorial", "0003_roles_for_images"),
        ("related", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
