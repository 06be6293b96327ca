from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from core.admin_shortcut import view_on_site
from core.health import healthz
from website.urls import root_slug_urlpatterns

admin.site.site_header = "site_cms"
admin.site.site_title = "site_cms"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", include("website.urls")),
    # Before the admin's own: "view on site" only for whom the admin shows the object.
    path("admin/r/<int:content_type_id>/<path:object_id>/", view_on_site),
    path("admin/", admin.site.urls),
    path("markdownx/", include("images.urls")),
    path("preview/", include("editorial.urls")),
    path("books/", include("books.urls")),
    path("search/", include("search.urls")),
    path("", include("essays.urls")),
    path("", include("essays.feed_urls")),
    path("", include("indieweb.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
# Posts and simple pages share the site root: last, after every fixed path.
urlpatterns += root_slug_urlpatterns

# The database's faults get a 503 with Retry-After; anything else the plain 500 page.
handler500 = "core.outage.server_error"
