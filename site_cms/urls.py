from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from .views import HomeView

admin.site.site_header = "site_cms"
admin.site.site_title = "site_cms"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("admin/", admin.site.urls),
    path("markdownx/", include("core.urls")),
    path("books/", include("books.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
# Posts live at the site root: this catch-all comes last.
urlpatterns.append(path("", include("essays.urls")))
