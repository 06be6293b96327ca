"""The show's podcast:guid, kept: made now from the feed's public address for a site that
has its settings row (as the feed made it until now, from SITE_URL), so that a later move
to another address keeps it."""

import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.db import migrations, models
from django.urls import reverse

# The Podcasting 2.0 namespace for podcast:guid (essays/podcast.py).
NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")


def keep_the_guid(apps, schema_editor):
    SiteSettings = apps.get_model("core", "SiteSettings")
    parts = urlsplit(settings.SITE_URL + reverse("feeds:podcast"))
    guid = uuid.uuid5(NAMESPACE, f"{parts.netloc}{parts.path}".rstrip("/"))
    SiteSettings.objects.filter(podcast_guid__isnull=True).update(podcast_guid=guid)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_podcast_locked_rel_me"),
    ]

    operations = [
        migrations.AddField(
            model_name="sitesettings",
            name="podcast_guid",
            field=models.UUIDField(
                blank=True,
                help_text=(
                    "The show's identity in podcast apps (podcast:guid), made once from the "
                    "feed's address; it stays when the site moves. Change it only to keep "
                    "the GUID the show had elsewhere."
                ),
                null=True,
                verbose_name="podcast GUID",
            ),
        ),
        migrations.RunPython(keep_the_guid, migrations.RunPython.noop),
    ]
