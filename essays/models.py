"""Writing: essays, article analyses and dev reflections.

``Writing`` is a concrete base table (multi-table inheritance) so that one query
lists the newest writing of every type, and so that slugs are unique across all
of them: every post lives at ``/<slug>/`` at the site root.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from markdownx.models import MarkdownxField

from core.markdown import excerpt, markdown_html, plain_text, postprocess
from core.publishing import Publishable, PublishableQuerySet
from core.redirects import keeping_old_address
from core.safe_urls import SafeURLField
from core.validators import (
    ROOT_VIEW_NAME,
    check_root_slug_free,
    root_slug_in_use,
    validate_free_path,
    validate_path_slug,
)
from images.checks import images_missing_alt

WORDS_PER_MINUTE = 230


class TagQuerySet(models.QuerySet):
    def in_use(self):
        """Tags that at least one published post carries."""
        links = Writing.tags.through.objects.filter(writing__in=Writing.objects.published())
        return self.filter(pk__in=links.values("tag_id"))

    def for_names(self, names):
        """The tags with these names, in order, created when missing: one query when none is.

        Matched by slug ("AI" is "ai"), else by name (a tag whose slug was edited).
        """
        wanted = {}
        for name in names:
            wanted.setdefault(slugify(name), name)
        tags = self._matching(wanted)
        new = [
            self.model(name=name, slug=slug) for slug, name in wanted.items() if slug not in tags
        ]
        if new:
            # ignore_conflicts: a tag another save made meanwhile is taken, not duplicated.
            self.bulk_create(new, ignore_conflicts=True)
            tags = self._matching(wanted)
        return [tags[slug] for slug in wanted]

    def _matching(self, wanted):
        """{slug: tag} for the {slug: name} pairs found, by slug first, then by name."""
        found = list(self.filter(models.Q(slug__in=wanted) | models.Q(name__in=wanted.values())))
        by_slug = {tag.slug: tag for tag in found}
        by_name = {tag.name: tag for tag in found}
        matches = {slug: by_slug.get(slug) or by_name.get(name) for slug, name in wanted.items()}
        return {slug: tag for slug, tag in matches.items() if tag is not None}

    def with_post_counts(self):
        """Each tag's number of published posts, as ``post_count``."""
        published = models.Q(writings__in=Writing.objects.published())
        return self.annotate(post_count=models.Count("writings", filter=published))


class Tag(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)
        super().save(*args, **kwargs)
        self._stored = (self.name, self.slug)

    def get_absolute_url(self):
        return reverse("essays:tag", kwargs={"tag": self.slug})

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        # Remember what is stored, so that a save can tell whether the tag was renamed.
        tag = super().from_db(db, field_names, values, **kwargs)
        tag._stored = (tag.__dict__.get("name"), tag.__dict__.get("slug"))
        return tag

    def renamed(self):
        """Whether the name or slug differ from the stored ones (True when not known)."""
        return getattr(self, "_stored", None) != (self.name, self.slug)


class WritingQuerySet(PublishableQuerySet):
    def of_kind(self, kind):
        return self.filter(kind=kind)

    def podcast_episodes(self):
        """Posts with an audio version."""
        return self.exclude(audio_url="")

    def with_specific(self):
        """Join each type's own table so that ``.specific`` costs no query."""
        return self.select_related(*(kind for kind, _label in Writing.Kind.choices))

    def for_listing(self):
        """What lists and sidebars print: title, dek or excerpt, and tags."""
        return self.prefetch_related("tags")

    def newest(self):
        return self.order_by(models.F("publish_at").desc(nulls_last=True), "-pk")


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
        help_text=_(
            "The address: the post lives at /slug/, or at a nested path such as "
            "/work-logs/2026-02-01/. Made from the title when left empty."
        ),
    )
    description = models.TextField(
        blank=True, help_text=_("The dek: one or two sentences shown under the title and in lists.")
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="writings")
    featured = models.BooleanField(
        default=False, help_text=_("Show in Featured writing on every page.")
    )
    byline = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("A co-author, shown in the meta line. Empty for the author alone."),
    )
    audio_url = SafeURLField(
        _("audio file"),
        max_length=500,
        blank=True,
        help_text=_("An MP3 or M4A: makes the post a podcast episode."),
    )
    audio_seconds = models.PositiveIntegerField(
        _("audio duration (seconds)"), null=True, blank=True
    )
    audio_bytes = models.PositiveBigIntegerField(_("audio size (bytes)"), null=True, blank=True)
    podcast_season = models.PositiveSmallIntegerField(
        _("podcast season"), null=True, blank=True, help_text=_("Empty when the show has none.")
    )
    podcast_episode = models.PositiveIntegerField(
        _("podcast episode number"), null=True, blank=True
    )
    # The picture shown when the post is shared; without one, a card is drawn (core.cards).
    card_image = models.ImageField(
        _("social card image"),
        upload_to="cards/own/",
        blank=True,
        width_field="card_image_width",
        height_field="card_image_height",
        help_text=_("Shown when the post is shared: 1200 × 630 pixels is best."),
    )
    card_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    card_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    card_image_alt = models.CharField(_("social card alt text"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="writings",
        help_text=_("Who wrote it: contributors may edit only their own drafts."),
    )
    metadata = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("Whatever an import could not map to a field, kept rather than lost."),
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, editable=False)
    # Derived on save from the rendered body, so that lists never render Markdown.
    excerpt = models.CharField(max_length=200, blank=True, editable=False)
    word_count = models.PositiveIntegerField(default=0, editable=False)

    objects = WritingQuerySet.as_manager()

    class Meta:
        verbose_name = _("writing")
        verbose_name_plural = _("all writing")
        permissions = [("publish_writing", "Can publish and schedule writing")]
        ordering = [models.F("publish_at").desc(nulls_last=True), "-pk"]
        indexes = [models.Index(fields=["status", "publish_at"])]

    def __str__(self):
        return self.title or self.slug

    def get_absolute_url(self):
        return reverse(ROOT_VIEW_NAME, kwargs={"slug": self.slug})

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

    def can_be_previewed_by(self, user):
        """Staff who may change this post see it before it is public (contributors: their own)."""
        if not user.is_staff or not user.has_perm(f"essays.change_{self.kind}"):
            return False
        return user.has_perm("essays.publish_writing") or self.author_id == user.pk

    @property
    def teaser(self):
        """The description, or the start of the body when there is none."""
        return self.description or self.excerpt

    @property
    def audio_duration(self):
        """ "m:ss" (or "h:mm:ss")."""
        if self.audio_seconds is None:
            return ""
        hours, rest = divmod(self.audio_seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"

    @property
    def audio_megabytes(self):
        return "" if self.audio_bytes is None else f"{self.audio_bytes / 1_000_000:.1f}"

    @property
    def section(self):
        return SECTION_BY_KIND[self.kind]

    @staticmethod
    def section_heading(kind):
        return SECTION_HEADINGS[kind]

    @property
    def reading_minutes(self):
        return max(1, round(self.word_count / WORDS_PER_MINUTE))

    def default_title(self):
        return ""

    def markdown_fields(self):
        """(source, html) field-name pairs; the first one's text makes the excerpt."""
        return []

    def publish_problems(self):
        """What must be fixed before this post may be published or scheduled."""
        problems = []
        for source, _html in self.markdown_fields():
            if not getattr(self, source).strip():
                label = self._meta.get_field(source).verbose_name
                problems.append(_("The %(field)s is empty.") % {"field": label})
        for source, _html in self.markdown_fields():
            for url in images_missing_alt(self._markdown_html(source)):
                problems.append(
                    _("The image %(url)s has no alt text: describe it in ![…](url).") % {"url": url}
                )
        return problems

    def _markdown_html(self, source):
        """The field's Markdown as sanitised HTML, rendered once per text: the publish gate
        (in the form's clean) and the save that follows share it."""
        text = getattr(self, source)
        kept = self.__dict__.setdefault("_markdown_kept", {})
        if source not in kept or kept[source][0] != text:
            # The first field's footnotes keep Hugo's ids (fn:1); the others' are prefixed,
            # so an analysis's summary and analysis never share one.
            first = self.markdown_fields()[0][0]
            kept[source] = (text, markdown_html(text, "" if source == first else f"{source}-"))
        return kept[source][1]

    def render(self):
        texts = []
        for source, target in self.markdown_fields():
            html = postprocess(self._markdown_html(source))
            setattr(self, target, html)
            texts.append(plain_text(html))
        body = texts[0] if texts else ""
        self.excerpt = excerpt(body)
        self.word_count = sum(len(text.split()) for text in texts)

    def clean(self):
        super().clean()
        if not self.title and not self.default_title():
            raise ValidationError({"title": _("A title is required.")})
        if self.slug:
            check_root_slug_free(self)

    def save(self, *args, **kwargs):
        base_row = type(self) is Writing
        if not base_row:
            self.kind = self._meta.model_name
        elif not self.kind:
            raise TypeError("A new post is saved as its own type, such as Essay.")
        self.title = self.title or self.default_title()
        if not self.slug:
            self.slug = self._unique_slug(slugify(self.title)[:190] or self.kind)
        # A base row (``Writing.objects.first()``) has no Markdown: its type's table does.
        # Its HTML, excerpt and word count stay as its last save as its own type made them.
        if not base_row:
            self.render()
        # A published post keeps its old address working when its slug changes.
        with keeping_old_address(self, Writing.objects.published()):
            super().save(*args, **kwargs)

    def _unique_slug(self, base):
        slug, n = base, 2
        while root_slug_in_use(slug, self):
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
    source_url = SafeURLField(max_length=500, blank=True)
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

    def publish_problems(self):
        problems = []
        if not self.source_url:
            problems.append(_("An article analysis needs the source's URL."))
        if not self.quote.strip():
            problems.append(_("An article analysis needs a quote from the source."))
        return problems + super().publish_problems()

    def markdown_fields(self):
        return [("summary", "summary_html"), ("analysis", "analysis_html")]


class DevReflection(Writing):
    """A daily reflection, also a podcast episode."""

    def neighbours(self):
        """The published reflections just before and just after this one (two queries).
        An undated draft (seen through a share link) comes after every one: the newest
        before it, none after."""
        others = DevReflection.objects.published().exclude(pk=self.pk)
        at = self.publish_at
        if at is None:
            return others.order_by("-publish_at", "-pk").first(), None
        earlier = models.Q(publish_at__lt=at) | models.Q(publish_at=at, pk__lt=self.pk)
        later = models.Q(publish_at__gt=at) | models.Q(publish_at=at, pk__gt=self.pk)
        previous = others.filter(earlier).order_by("-publish_at", "-pk").first()
        following = others.filter(later).order_by("publish_at", "pk").first()
        return previous, following

    body = MarkdownxField(blank=True)
    body_html = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("dev reflection")

    def default_title(self):
        day = timezone.localtime(self.publish_at or timezone.now())
        return f"Dev reflection - {date_format(day, 'F d, Y')}"

    def markdown_fields(self):
        return [("body", "body_html")]


# Each type's list lives at /<section>/, its feed at /<section>/index.xml.
SECTIONS = {
    "essays": Writing.Kind.ESSAY,
    "article-analyses": Writing.Kind.ANALYSIS,
    "dev-reflections": Writing.Kind.REFLECTION,
}
SECTION_BY_KIND = {kind: section for section, kind in SECTIONS.items()}
SECTION_HEADINGS = {
    Writing.Kind.ESSAY: _("Essays"),
    Writing.Kind.ANALYSIS: _("Article analyses"),
    Writing.Kind.REFLECTION: _("Dev reflections"),
}
