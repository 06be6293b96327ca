from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .safe_urls import SafeURLField, is_safe_url, redirect_target_problem


def validate_profile_links(value):
    bad = [url for url in value.split() if not is_safe_url(url)]
    if bad:
        raise ValidationError(
            _("Only http(s) addresses, one a line: %(bad)s"), params={"bad": ", ".join(bad)}
        )


def _count_field(verbose_name, default):
    return models.PositiveSmallIntegerField(
        verbose_name,
        default=default,
        validators=[MinValueValidator(0), MaxValueValidator(20)],
        help_text=_("0 hides the section."),
    )


class SiteSettings(models.Model):
    """The author's details and the page furniture, edited in the admin. One row."""

    author_name = models.CharField(max_length=100, default="Paul Welty")
    credential = models.CharField(max_length=50, blank=True, default="PhD")
    tagline = models.CharField(max_length=200, blank=True, default="AI, work, and staying human")
    short_bio = models.TextField(
        blank=True,
        help_text=_("A few first-person sentences for the landing page. Plain text."),
    )
    newsletter_name = models.CharField(max_length=100, blank=True, default="Philosopher at Large")
    newsletter_url = SafeURLField(
        blank=True, mailto=True, help_text=_("Where readers subscribe: a web address or mailto:.")
    )
    newsletter_pitch = models.CharField(max_length=300, blank=True)
    books_pitch = models.CharField(_("books card text"), max_length=300, blank=True)
    work_pitch = models.CharField(_("work-with-me card text"), max_length=300, blank=True)
    writing_intro = models.TextField(blank=True, help_text=_("The short intro of /writing/."))
    blog_strapline = models.CharField(
        max_length=300, blank=True, help_text=_("The one line under the blog archive's heading.")
    )
    podcast_title = models.CharField(max_length=200, blank=True)
    podcast_description = models.TextField(blank=True)
    podcast_apple_url = SafeURLField(_("Apple Podcasts link"), blank=True)
    podcast_category = models.CharField(max_length=100, default="Technology")
    podcast_artwork = models.ImageField(
        upload_to="podcast/",
        blank=True,
        help_text=_("Square, 1400 to 3000 pixels: podcast apps require it."),
    )
    podcast_owner_email = models.EmailField(
        blank=True, help_text=_("Podcast directories send their notices here.")
    )
    podcast_explicit = models.BooleanField(default=False)
    podcast_locked = models.BooleanField(
        default=True,
        help_text=_(
            "Tells podcast platforms not to let anyone else import the show "
            "(podcast:locked). Untick it while moving the show to another host."
        ),
    )
    podcast_guid = models.UUIDField(
        _("podcast GUID"),
        null=True,
        blank=True,
        help_text=_(
            "The show's identity in podcast apps (podcast:guid), made once from the "
            "feed's address; it stays when the site moves. Change it only to keep the "
            "GUID the show had elsewhere."
        ),
    )
    rel_me_links = models.TextField(
        _("profiles elsewhere (rel=me)"),
        blank=True,
        validators=[validate_profile_links],
        help_text=_(
            "One web address a line (Mastodon, GitHub...): linked with rel=me, so that "
            "those sites and IndieAuth can tell this site is yours."
        ),
    )
    featured_count = _count_field(_("featured writing items"), 3)
    books_count = _count_field(_("books items"), 5)
    recent_count = _count_field(_("recent writing items"), 3)
    related_count = _count_field(_("related thinking items"), 3)

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self):
        return str(_("Site settings"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        """The settings row, or the defaults when none has been saved yet (one query)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    @classmethod
    def for_request(cls, request):
        """The settings, loaded at most once per request."""
        if not hasattr(request, "_site_settings"):
            request._site_settings = cls.load()
        return request._site_settings

    @property
    def profile_links(self):
        """The rel=me addresses, each checked again where it is printed."""
        return [url for url in self.rel_me_links.split() if is_safe_url(url)]

    @property
    def display_name(self):
        return f"{self.author_name}, {self.credential}" if self.credential else self.author_name


class Redirect(models.Model):
    """A permanent redirect from an old path of the site (a changed slug, an old alias)."""

    old_path = models.CharField(
        max_length=500, unique=True, help_text=_("A path of this site, such as /old-slug/.")
    )
    new_path = models.CharField(
        max_length=500, help_text=_("A path of this site, or a full URL elsewhere.")
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_path"]

    def __str__(self):
        return f"{self.old_path} → {self.new_path}"

    def save(self, *args, **kwargs):
        # From anywhere (the admin, an import, the shell): never a way off the site.
        if problem := redirect_target_problem(self.new_path):
            raise ValidationError({"new_path": problem})
        super().save(*args, **kwargs)
