import re

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _

# Hugo and Jekyll slugs may carry dots ("go1.5"), so a part is wider than SlugField.
SEGMENT_PATTERN = r"[-a-zA-Z0-9_.]+"
# A post may live at a nested path, as on Hugo (/work-logs/authexis/2026-02-01/): its slug
# is then the whole path, and unique as a whole. None ends in ".xml": that is a feed's.
SLUG_PATTERN = rf"{SEGMENT_PATTERN}(?:/{SEGMENT_PATTERN})*(?<!\.xml)"
# The models whose rows live at /<slug>/ at the site root, sharing one namespace.
ROOT_SLUG_MODELS = ("essays.Writing", "pages.Page")
ROOT_VIEW_NAME = "root-slug"

# No part starts or ends with a dot, and no ".." anywhere.
_NO_DOT_ENDS = r"(?!.*\.\.)(?!\.)(?!.*/\.)(?!.*\./)"

validate_path_slug = RegexValidator(
    re.compile(rf"^{_NO_DOT_ENDS}{SLUG_PATTERN}(?<!\.)\Z"),
    _(
        "Use letters, numbers, hyphens, underscores and dots (not at either end); "
        "slashes nest the address, as in “work-logs/2026-02-01”."
    ),
    "invalid",
)

validate_page_slug = RegexValidator(
    re.compile(rf"^{_NO_DOT_ENDS}{SEGMENT_PATTERN}(?<!\.)\Z"),
    _("Use letters, numbers, hyphens, underscores and dots (not at either end)."),
    "invalid",
)


def is_site_route(slug):
    """Whether ``/<slug>/`` is a page of the site itself (/blog/, /admin/...), not content."""
    first = slug.split("/", 1)[0]
    if first in _served_before_django():
        return True
    try:
        match = resolve(f"/{slug}/")
    except Resolver404:
        return False
    return match.view_name != ROOT_VIEW_NAME


def _served_before_django():
    """The first parts of the static and media URLs: the web server answers there."""
    return {
        url.strip("/").split("/", 1)[0]
        for url in (settings.STATIC_URL, settings.MEDIA_URL)
        if url and "//" not in url and url.strip("/")
    }


def validate_free_path(slug):
    """A root slug must not shadow a page of the site such as /blog/ or /admin/."""
    if is_site_route(slug):
        raise ValidationError(
            _("“/%(slug)s/” is already a page of the site; choose another slug."),
            code="reserved",
            params={"slug": slug},
        )


def root_slug_in_use(slug, instance=None):
    """Whether anything at the site root, other than ``instance``, uses ``slug``."""
    for label in ROOT_SLUG_MODELS:
        model = apps.get_model(label)
        others = model._default_manager.filter(slug=slug)
        if instance is not None and isinstance(instance, model) and instance.pk:
            others = others.exclude(pk=instance.pk)
        if others.exists():
            return True
    return False


def check_root_slug_free(instance):
    """Raise if another kind of root-level content already uses ``instance.slug``."""
    for label in ROOT_SLUG_MODELS:
        model = apps.get_model(label)
        if isinstance(instance, model):
            continue  # the field's own unique constraint covers this one
        if model._default_manager.filter(slug=instance.slug).exists():
            raise ValidationError(
                {"slug": _("Something else already lives at /%(slug)s/.") % {"slug": instance.slug}}
            )
