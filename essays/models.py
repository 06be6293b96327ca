"""Writing: essays, article analyses and dev reflections.

``Writing`` is a concrete base table (multi-table inheritance) so that one query
lists the newest writing of every type, and so that slugs are unique across all
of them: every post lives at ``/<slug>/`` at the site root.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from markdownx.models import MarkdownxField

from core.markdown import excerpt, plain_text, render_markdown
from core.publishing import Publishable, PublishableQuerySet
from core.validators import validate_path_slug

WORDS_PER_MINUTE = 230


class Tag(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)
        super().save(*args, **kwargs)


class WritingQuerySet(PublishableQuerySet):
    def with_specific(self):
        """Join each type's own table so that ``.specific`` costs no query."""
        return self.select_related(*(kind for kind, _label in Writing.Kind.choices))

    def for_listing(self):
        """What lists and sidebars print: title, dek or excerpt, and tags."""
        return self.prefetch_related("tags")

    def newest(self):
        return self.order_by(models.F("publish_at").desc(nulls_last=True), "-pk")


def validate_free_path(slug):
    """A post's slug must not shadow a page of the site such as /blog/ or /admin/."""
    try:
        match = resolve(f"/{slug}/")
    except Resolver404:
        return
    if match.view_name != "essays:detail":
        raise ValidationError(
            _("“/%(slug)s/” is already a page of the site; choose another slug."),
            code="reserved",
            params={"slug": slug},
        )


class Writing(Publishable):
    class Kind(models.TextChoices):
        # Values are the child models' names, which are also their accessors here.
        ESSAY = "essay", _("Essay")
        ANALYSIS = "articleanalysis", _("Article analysis")
        REFLECTION = "devreflection", _("Dev reflection")

    title = models.CharField(max_length=300, blank=True)
    slug = models.CharField(
        max_length=200,
        unique=True,
        blank=True,
        validators=[validate_path_slug, validate_free_path],
        help_text=_("The post lives at /<slug>/. Made from the title when left empty."),
    )
    description = models.TextField(
        blank=True, help_text=_("The dek: one or two sentences shown under the title and in lists.")
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="writings")
    featured = models.BooleanField(
        default=False, help_text=_("Show in Featured writing on every page.")
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, editable=False)
    # Derived on save from the rendered body, so that lists never render Markdown.
    excerpt = models.CharField(max_length=200, blank=True, editable=False)
    word_count = models.PositiveIntegerField(default=0, editable=False)

    objects = WritingQuerySet.as_manager()

    class Meta:
        verbose_name = _("writing")
        verbose_name_plural = _("all writing")
        ordering = [models.F("publish_at").desc(nulls_last=True), "-pk"]
        indexes = [models.Index(fields=["status", "publish_at"])]

    def __str__(self):
        return self.title or self.slug

    def get_absolute_url(self):
        return reverse("essays:detail", kwargs={"slug": self.slug})

    @property
    def specific(self):
        """This post as its own type (Essay, ArticleAnalysis or DevReflection)."""
        if type(self) is not Writing:
            return self
        child = getattr(self, self.kind)
        # Share what was fetched for the base row: its prefetched tags.
        if hasattr(self, "_prefetched_objects_cache"):
            child._prefetched_objects_cache = self._prefetched_objects_cache
        return child

    @property
    def teaser(self):
        """The description, or the start of the body when there is none."""
        return self.description or self.excerpt

    @property
    def reading_minutes(self):
        return max(1, round(self.word_count / WORDS_PER_MINUTE))

    def default_title(self):
        return ""

    def markdown_fields(self):
        """(source, html) field-name pairs; the first one's text makes the excerpt."""
        return []

    def render(self):
        texts = []
        for source, target in self.markdown_fields():
            html = render_markdown(getattr(self, source))
            setattr(self, target, html)
            texts.append(plain_text(html))
        body = texts[0] if texts else ""
        self.excerpt = excerpt(body)
        self.word_count = sum(len(text.split()) for text in texts)

    def clean(self):
        super().clean()
        if not self.title and not self.default_title():
            raise ValidationError({"title": _("A title is required.")})

    def save(self, *args, **kwargs):
        self.kind = self._meta.model_name
        self.title = self.title or self.default_title()
        if not self.slug:
            self.slug = self._unique_slug(slugify(self.title)[:190] or self.kind)
        self.render()
        super().save(*args, **kwargs)

    def _unique_slug(self, base):
        slug, n = base, 2
        while Writing.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug


class Essay(Writing):
    body = MarkdownxField(blank=True)
    body_html = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("essay")

    def markdown_fields(self):
        return [("body", "body_html")]


class ArticleAnalysis(Writing):
    """A summary and critique of someone else's article."""

    source_title = models.CharField(max_length=300)
    source_url = models.URLField(max_length=500, blank=True)
    source_author = models.CharField(max_length=200, blank=True)
    source_publication = models.CharField(max_length=200, blank=True)
    quote = models.TextField(blank=True, help_text=_("The pull quote from the source."))
    summary = MarkdownxField(blank=True)
    summary_html = models.TextField(blank=True, editable=False)
    analysis = MarkdownxField(blank=True)
    analysis_html = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("article analysis")
        verbose_name_plural = _("article analyses")

    def default_title(self):
        return f"Article analysis: {self.source_title}" if self.source_title else ""

    def related_analyses(self, limit):
        """Other published analyses, those sharing the most tags first, then the newest.

        One query. A stand-in until a real related-content engine exists.
        """
        tag_ids = [tag.pk for tag in self.tags.all()]
        others = ArticleAnalysis.objects.published().exclude(pk=self.pk)
        if tag_ids:
            shared = models.Count("tags", filter=models.Q(tags__in=tag_ids), distinct=True)
            others = others.annotate(shared=shared).order_by(
                "-shared", models.F("publish_at").desc(nulls_last=True), "-pk"
            )
        else:
            others = others.newest()
        return list(others[:limit])

    def markdown_fields(self):
        return [("summary", "summary_html"), ("analysis", "analysis_html")]


class DevReflection(Writing):
    """A daily reflection, also a podcast episode."""

    body = MarkdownxField(blank=True)
    body_html = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("dev reflection")

    def default_title(self):
        day = timezone.localtime(self.publish_at or timezone.now())
        return f"Dev reflection - {date_format(day, 'F d, Y')}"

    def markdown_fields(self):
        return [("body", "body_html")]
