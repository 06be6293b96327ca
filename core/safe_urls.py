"""Links the site prints from stored values: only ``http``, ``https`` (and ``mailto`` where
a field allows it), whatever path the value came in by.

A value is checked three times: by the form (the field's validator), by the model when it
is saved from anywhere (the ORM, an import, the shell: ``refuse_unsafe_urls``), and
where it is printed (``safe_url``, and the ``safe_url`` template filter), so that a row
written before these rules, or by raw SQL, still never gives a ``javascript:`` link.
"""

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

WEB = ("http", "https")

# What browsers ignore or strip inside a URL's scheme: "java\tscript:" is "javascript:".
_INVISIBLE = {chr(code): None for code in range(0x21)} | {"\x7f": None}


def is_safe_url(value, schemes=WEB):
    """Whether ``value`` is an absolute URL with one of ``schemes`` (and, for the web ones,
    a host). Leading or embedded control characters and whitespace are read as a browser
    reads them."""
    if not isinstance(value, str) or not value.strip():
        return False
    compact = value.translate(_INVISIBLE)
    try:
        parts = urlsplit(compact)
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    if scheme not in schemes:
        return False
    if scheme == "mailto":
        return bool(parts.path) and "@" in parts.path
    return bool(parts.netloc) and compact == value.strip()


def redirect_target_problem(target):
    """Why ``target`` may not be where a redirect leads, or None: a path of this site is
    fine; a full URL only with http(s) and a host of ``REDIRECT_ALLOWED_HOSTS``; never a
    scheme-relative ``//host`` or ``/\\host`` (browsers read both as another site)."""
    if not isinstance(target, str) or not target or any(c in target for c in "\\\x00\r\n\t"):
        return _("a backslash or control character has no place in an address")
    if target.startswith("/"):
        if target.startswith("//"):
            return _("“//host” leads to another site; write a path such as /new-post/")
        return None
    if not is_safe_url(target):
        return _("only a path of this site (/new-post/) or an http(s) address")
    allowed = settings.REDIRECT_ALLOWED_HOSTS
    host = (urlsplit(target).hostname or "").lower()
    if "*" in allowed or host in {name.lower() for name in allowed}:
        return None
    return _("%(host)s is another site: add it to REDIRECT_ALLOWED_HOSTS to allow it") % {
        "host": host
    }


def safe_url(value, schemes=WEB):
    """``value`` when it is safe to print as a link, else an empty string."""
    return value.strip() if is_safe_url(value, schemes) else ""


class SafeURLValidator:
    """The form's and ``full_clean``'s check: a web address, or (``mailto``) an email link."""

    def __init__(self, mailto=False):
        self.mailto = mailto

    def __call__(self, value):
        if self.mailto and value.lower().startswith("mailto:"):
            if not is_safe_url(value, ("mailto",)):
                raise ValidationError(_("Enter an email link such as mailto:me@example.com."))
            return
        URLValidator(schemes=list(WEB))(value)
        if not is_safe_url(value):
            raise ValidationError(_("Enter a web address that starts with https:// or http://."))

    def __eq__(self, other):
        return isinstance(other, SafeURLValidator) and other.mailto == self.mailto

    def deconstruct(self):
        return ("core.safe_urls.SafeURLValidator", (), {"mailto": self.mailto})


class SafeURLField(models.URLField):
    """A URLField that only ever stores ``http``/``https`` URLs (``mailto`` too with
    ``mailto=True``), even when saved without a form."""

    def __init__(self, *args, mailto=False, **kwargs):
        self.mailto = mailto
        self.default_validators = [SafeURLValidator(mailto)]
        super().__init__(*args, **kwargs)

    @property
    def schemes(self):
        return (*WEB, "mailto") if self.mailto else WEB

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.mailto:
            kwargs["mailto"] = True
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        if self.mailto:  # the form's URL field would refuse mailto:; the validator decides
            kwargs.setdefault("form_class", forms.CharField)
        return super().formfield(**kwargs)

    def refuse_unsafe(self, instance):
        """Raise unless the value about to be stored is safe (``refuse_unsafe_urls``)."""
        value = getattr(instance, self.attname)
        if value and not is_safe_url(value, self.schemes):
            allowed = ", ".join(f"{scheme}:" for scheme in self.schemes)
            raise ValidationError(
                {self.name: _("Only %(allowed)s links are stored.") % {"allowed": allowed}},
                code="unsafe_url",
            )


def refuse_unsafe_urls(sender, instance, raw=False, **kwargs):
    """``pre_save`` of every model with a SafeURLField (``CoreConfig.ready``): sent before
    Django opens the save's transaction, so a refusal leaves the caller's transaction
    usable. A fixture being loaded (``raw``) is stored as it is."""
    if raw:
        return
    for field in instance._meta.concrete_fields:
        if isinstance(field, SafeURLField):
            field.refuse_unsafe(instance)


def connect():
    """Refuse unsafe URLs on every save of every model that has a SafeURLField."""
    from django.apps import apps
    from django.db.models.signals import pre_save

    for model in apps.get_models():
        if any(isinstance(field, SafeURLField) for field in model._meta.concrete_fields):
            pre_save.connect(
                refuse_unsafe_urls, sender=model, dispatch_uid=f"safe-urls:{model._meta.label}"
            )
