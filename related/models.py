"""Related writing: the stored suggestions, the author's pins and exclusions, and what
the engine keeps of each post.

Suggestions are stored for every post and every candidate, whatever their state.
Visibility is decided when they are read, through ``Writing.objects.published()``, so
a scheduled post appears in other posts' lists the moment its time comes.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from essays.models import Writing


class Post(Writing):
    """Any writing, as the related-writing admin lists it (a proxy: no table of its own).

    Pins and exclusions point here so that the admin can offer a search box for them.
    """

    class Meta:
        proxy = True
        verbose_name = _("related writing of a post")
        verbose_name_plural = _("related writing")


class RelatedLinkQuerySet(models.QuerySet):
    def public_for(self, post):
        """What readers of ``post`` may see, pins first then best first: one query."""
        return (
            self.filter(source_id=post.pk, target__in=Writing.objects.published())
            .select_related("target")
            .order_by("rank")
        )


class RelatedLink(models.Model):
    """One stored suggestion: ``target`` is related to ``source``, at ``rank``."""

    # Indexed by the (source, rank) constraint, which the sidebar's query uses.
    source = models.ForeignKey(
        Writing, on_delete=models.CASCADE, related_name="related_links", db_index=False
    )
    target = models.ForeignKey(Writing, on_delete=models.CASCADE, related_name="related_backlinks")
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()
    pinned = models.BooleanField(default=False)
    # The parts of the score, each 0..1 before weighting (see related.engine).
    text_score = models.FloatField(default=0)
    tags_score = models.FloatField(default=0)
    source_score = models.FloatField(default=0)
    recency_score = models.FloatField(default=0)

    objects = RelatedLinkQuerySet.as_manager()

    class Meta:
        ordering = ["source", "rank"]
        # No constraint on (source, target): the engine never suggests a post twice,
        # and a rebuild writes 200,000 rows for 10,000 posts: each index costs.
        constraints = [
            models.UniqueConstraint(fields=["source", "rank"], name="related_link_rank"),
        ]

    def __str__(self):
        return f"{self.source_id} → {self.target_id} ({self.rank})"


class RelatedChoice(models.Model):
    """The author's say over one post's list: a post pinned to its top, or excluded."""

    class Action(models.TextChoices):
        PIN = "pin", _("Pin: always show, first")
        EXCLUDE = "exclude", _("Exclude: never show")

    source = models.ForeignKey(Writing, on_delete=models.CASCADE, related_name="related_choices")
    target = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="+", verbose_name=_("post")
    )
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.PIN)
    position = models.PositiveSmallIntegerField(
        default=0, help_text=_("For pins: the lower, the higher in the list.")
    )

    class Meta:
        ordering = ["source", "position", "pk"]
        verbose_name = _("pin or exclusion")
        verbose_name_plural = _("pins and exclusions")
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="related_choice_pair"),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="related_choice_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()}: {self.target}"

    def clean(self):
        if self.source_id is not None and self.source_id == self.target_id:
            raise ValidationError({"target": _("A post cannot be related to itself.")})


class IndexEntry(models.Model):
    """What the engine keeps of one post, so that any process can score a saved post
    against all the others without reading and tokenising every post again."""

    writing = models.OneToOneField(
        Writing, on_delete=models.CASCADE, primary_key=True, related_name="related_entry"
    )
    # Hashed term counts per text view (engine.pack).
    counts = models.BinaryField()
    tags = models.JSONField(default=list)
    sources = models.JSONField(default=list)
    # Days since the epoch, for the recency part; null when the post has no date.
    day = models.FloatField(null=True)
    # The post's strongest terms, [[term, weight]], to explain its suggestions.
    keywords = models.JSONField(default=list)
    # Changes whenever counts, tags, sources or day do: how caches notice.
    digest = models.CharField(max_length=32)
    # The score a newcomer must beat to enter this post's list; null while it has room.
    floor = models.FloatField(null=True)

    class Meta:
        verbose_name_plural = "index entries"

    def __str__(self):
        return str(self.writing_id)
