from django.urls import path

from . import views

app_name = "indieweb"
urlpatterns = [
    path("webmention/", views.webmention, name="webmention"),
    # Without the slash too: a redirect would lose a sender's POST.
    path("webmention", views.webmention),
]
