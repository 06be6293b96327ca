"""Simple pages (About, Work with me, Newsletter...) and the projects on the landing page."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from markdownx.models import MarkdownxField

from core.markdown import render_markdown
from core.publishing import Publishable, PublishableQuerySet
from core.redirects import keeping_old_address
from core.safe_urls import SafeURLField
from core.validators import (
    ROOT_VIEW_NAME,
    check_root_slug_free,
    validate_free_path,
    validate_page_slug,
)


class PageQuerySet(PublishableQuerySet):
    def in_navigation(self):
        return self.published().filter(nav_order__isnull=False).order_by("nav_order", "title")


class Page(Publishable):
    """A page written in Markdown, at /<slug>/ beside the posts."""

    title = models.CharField(max_length=200)
    slug = models.CharField(
        max_length=200,
        unique=True,
        validators=[validate_page_slug, validate_free_path],
        help_text=_("The address: the page lives at /slug/; for example “about”."),
    )
    description = models.CharField(max_length=300, blank=True)
    body = MarkdownxField(blank=True)
    body_html = models.TextField(blank=True, editable=False)
    nav_order = models.PositiveSmallIntegerField(
        _("place in the navigation"),
        null=True,
        blank=True,
        help_text=_("Empty keeps the page out of the site navigation."),
    )

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    @classmethod
    def navigation_for_request(cls, request):
        """The pages in the site navigation, fetched at most once per request."""
        if not hasattr(request, "_nav_pages"):
            request._nav_pages = list(cls.objects.in_navigation())
        return request._nav_pages

    def get_absolute_url(self):
        return reverse(ROOT_VIEW_NAME, kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        check_root_slug_free(self)

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        # A published page keeps its old address working when its slug changes.
        with keeping_old_address(self, Page.objects.published()):
            super().save(*args, **kwargs)


class Project(models.Model):
    """One entry of "What I'm building" on the landing page."""

    name = models.CharField(max_length=200)
    one_liner = models.CharField(max_length=300)
    url = SafeURLField(blank=True)
    display_order = models.PositiveSmallIntegerField(default=0)
    visible = models.BooleanField(default=True)

    class Meta:
        ordering = ["display_order", "name"]

    def __str__(self):
        return self.name
