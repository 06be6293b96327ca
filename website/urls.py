"""The site's own pages, and what search engines fetch: /sitemap.xml and /robots.txt.

The root /<slug>/ dispatcher is not here: it must come after every other app's URLs,
so the project's URLconf adds it last (``root_slug_urlpatterns``).
"""

from django.contrib.sitemaps.views import sitemap
from django.urls import path
from django.views.generic import TemplateView

from core import converters  # noqa: F401  (registers <pathslug:...>)
from core.validators import ROOT_VIEW_NAME

from . import views
from .sitemaps import SITEMAPS

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("writing/", views.WritingHubView.as_view(), name="writing"),
    path("podcast/", views.PodcastView.as_view(), name="podcast"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots-txt",
    ),
    path("llms.txt", views.llms_txt, name="llms-txt"),
    # Browsers and feed readers ask for these at the root whatever the page links.
    *(
        path(name, views.StaticFileRedirect.as_view(name=name))
        for name in ("favicon.ico", "apple-touch-icon.png")
    ),
    # A post's Markdown twin: /<slug>.md (before the root dispatcher, which wants a "/").
    path("<pathslug:slug>.md", views.markdown_twin, name="markdown-twin"),
]

# Posts and simple pages share the site root, as on the author's Hugo site.
root_slug_urlpatterns = [path("<pathslug:slug>/", views.root_slug, name=ROOT_VIEW_NAME)]
