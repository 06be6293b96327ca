from django.contrib import admin
from django.db import models
from markdownx.widgets import AdminMarkdownxWidget

from core.admin import PublishableAdmin

from .models import Page, Project


@admin.register(Page)
class PageAdmin(PublishableAdmin):
    list_display = ["title", "slug", "state_display", "nav_order"]
    list_editable = ["nav_order"]
    search_fields = ["title", "slug", "body"]
    prepopulated_fields = {"slug": ["title"]}
    formfield_overrides = {models.TextField: {"widget": AdminMarkdownxWidget}}
    fieldsets = [
        (None, {"fields": ["title", "slug", "description", "body"]}),
        ("Publishing", {"fields": ["status", "publish_at", "expire_at", "nav_order"]}),
    ]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "one_liner", "url", "display_order", "visible"]
    list_editable = ["display_order", "visible"]
    search_fields = ["name", "one_liner"]
