from django.db import migrations


def create_roles(apps, schema_editor):
    from editorial.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("editorial", "0001_initial"),
        ("essays", "0004_publish_permission"),
        ("books", "0001_initial"),
        ("pages", "0001_initial"),
        ("core", "0004_redirect"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
