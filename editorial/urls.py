from django.urls import path

from .views import SharedPreviewView

urlpatterns = [
    # Named "preview" without a namespace: share links made before stay the same.
    path("<str:signed>/", SharedPreviewView.as_view(), name="preview"),
]
