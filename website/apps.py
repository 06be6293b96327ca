from django.apps import AppConfig


class WebsiteConfig(AppConfig):
    """The site's own pages, on top of every other app: the landing page, the writing
    hub, the podcast page, the root /<slug>/ dispatcher, the sitemap, the demo seed."""

    name = "website"
    verbose_name = "Website"

    def ready(self):
        from django.core import serializers

        # For ``backup`` (website/backup.py): dumped as "exactjson", read as plain JSON.
        serializers.register_serializer("exactjson", "website.exact_json")
