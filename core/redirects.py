"""Permanent redirects from old URLs, kept free of chains and loops.

Every redirect is written through ``add_redirect`` (the admin form too), which keeps
two promises:
- one hop: whatever pointed at the old path now points at the new one;
- no loop: a path that content now lives at is never redirected away.
"""

import re
from contextlib import contextmanager

from django.db import transaction
from django.urls import Resolver404, resolve, reverse

from .models import Redirect
from .publishing import State
from .safe_urls import redirect_target_problem
from .validators import ROOT_VIEW_NAME, root_slug_in_use

# WordPress addressed posts by query on the home page: /?p=12, /?page_id=7. Those old
# addresses keep their query (nothing else does): see ``query_path``.
_WORDPRESS_QUERY = re.compile(r"/\?(?:p|page_id)=[0-9]{1,12}")
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]{0,30}:")


def normalise(path):
    """A site path as redirects store it: a leading slash, no host, no query (but
    WordPress's ``/?p=12`` and ``/?page_id=7``)."""
    path = path.strip().split("#", 1)[0]
    if _WORDPRESS_QUERY.fullmatch(path):
        return path
    path = path.split("?", 1)[0]
    return path if path.startswith("/") else "/" + path


def query_path(path, query):
    """The stored old path a request for ``/?p=12`` (or ``/?page_id=7``) may have, else None.

    ``query`` is the request's QueryDict; only one of the two keys, with digits, counts.
    """
    if path != "/":
        return None
    keys = [key for key in ("p", "page_id") if key in query]
    if len(keys) != 1:
        return None
    candidate = f"/?{keys[0]}={query[keys[0]]}"
    return candidate if _WORDPRESS_QUERY.fullmatch(candidate) else None


def normalise_target(target):
    """A redirect's target: a site path, or a URL with a scheme (``https:``, and any other,
    which ``safe_urls.redirect_target_problem`` then refuses), kept as it is."""
    target = target.strip()
    return target if _SCHEME.match(target) else normalise(target)


@transaction.atomic
def add_redirect(old_path, new_path):
    """Redirect ``old_path`` to ``new_path`` for good; returns the Redirect, or None.

    Nothing is stored when the two are the same.
    """
    old_path, new_path = normalise(old_path), normalise_target(new_path)
    if old_path == new_path:
        return None
    # The new path is live now: nothing may send readers away from it.
    Redirect.objects.filter(old_path=new_path).delete()
    # Collapse chains: X -> old becomes X -> new.
    Redirect.objects.filter(new_path=old_path).update(new_path=new_path)
    redirect, _created = Redirect.objects.update_or_create(
        old_path=old_path, defaults={"new_path": new_path}
    )
    return redirect


def add_old_address(old_path, new_path):
    """An imported item's earlier address, redirected as ``add_redirect`` does, but never
    the home page, never a path where something lives now (a page of the site, a post,
    a simple page): an import must not take over what readers reach today; and never to
    another site unless REDIRECT_ALLOWED_HOSTS allows it. Returns the Redirect, or None
    when nothing was stored."""
    old_path = normalise(old_path)
    if old_path == "/" or is_live(old_path) or redirect_target_problem(new_path.strip()):
        return None
    return add_redirect(old_path, new_path)


def is_live(path):
    """Whether ``path`` answers with something of its own: a fixed page or content."""
    try:
        match = resolve(path if path.endswith("/") else path + "/")
    except Resolver404:
        return False
    if match.view_name != ROOT_VIEW_NAME:
        return True
    return root_slug_in_use(match.kwargs["slug"])


def free_path(path):
    """Content now lives at ``path``: drop any redirect away from it."""
    Redirect.objects.filter(old_path=normalise(path)).delete()


@contextmanager
def keeping_old_address(instance, published):
    """Wrap a save: if a published item's slug changes, its old URL redirects to the new one.

    ``published`` is the model's ``objects.published()``: only a public URL is worth keeping.
    """
    old_slug = None
    if instance.pk is not None:
        old_slug = published.filter(pk=instance.pk).values_list("slug", flat=True).first()
    with transaction.atomic():
        yield
        new_path = instance.get_absolute_url()
        if old_slug and old_slug != instance.slug:
            add_redirect(reverse(ROOT_VIEW_NAME, kwargs={"slug": old_slug}), new_path)
        elif instance.state == State.PUBLISHED:
            # Readers reach it there now. A draft or scheduled post leaves a redirect
            # from its address alone: readers still need it (and a live post wins over a
            # redirect anyway, which answers only a 404).
            free_path(new_path)
