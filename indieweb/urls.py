from django.urls import path

from . import views

app_name = "indieweb"
urlpatterns = [path("webmention/", views.webmention, name="webmention")]
