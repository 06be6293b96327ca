"""Tags. The writing types' admin is in ``editorial.admin.writing``: it adds the roles,
share links, revisions and related-content suggestions, which live above this app."""

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "post_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(post_count=models.Count("writings"))

    @admin.display(description=_("posts"), ordering="post_count")
    def post_count(self, obj):
        return obj.post_count
