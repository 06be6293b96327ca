from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, register_converter

from core.converters import PathSlugConverter
from core.validators import ROOT_VIEW_NAME
from editorial.views import SharedPreviewView
from essays.converters import SectionConverter

from . import views

register_converter(PathSlugConverter, "pathslug")
register_converter(SectionConverter, "section")

admin.site.site_header = "site_cms"
admin.site.site_title = "site_cms"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("writing/", views.WritingHubView.as_view(), name="writing"),
    path("podcast/", views.PodcastView.as_view(), name="podcast"),
    path("admin/", admin.site.urls),
    path("markdownx/", include("core.urls")),
    path("preview/<str:signed>/", SharedPreviewView.as_view(), name="preview"),
    path("books/", include("books.urls")),
    path("search/", include("search.urls")),
    path("", include("essays.urls")),
    path("", include("essays.feed_urls")),
    path("", include("site_cms.seo_urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
# Posts and simple pages share the site root, as on the author's Hugo site: last.
urlpatterns.append(path("<pathslug:slug>/", views.root_slug, name=ROOT_VIEW_NAME))
