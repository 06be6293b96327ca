"""A dev reflection named after its date follows the date when it moves.

Left without a title, a dev reflection is called "Dev reflection - <its publish date>"
and its slug is made from that (``DevReflection.default_title``). Rescheduling it (on the
calendar, on its form, with a bulk action) renames it, title and slug, when both are
still the ones its old date gave it; a title or slug written by hand stays. An undated
draft, named after the day it was made, is renamed when it is first given a date. A post
that was live keeps its old address as a redirect (``Writing.save`` does that for any
slug).
"""

import re

from django.utils.text import slugify

from essays.models import DevReflection


def follow_new_date(post, old_publish_at):
    """Before ``post.save()``, with the publish time the post had: rename it if its title
    (and slug) were the defaults of that time. Returns whether it did."""
    if not isinstance(post, DevReflection) or post.publish_at is None:
        return False
    if old_publish_at is None:
        # An undated draft was named after the day it was made.
        old_publish_at = post.created
        if old_publish_at is None:
            return False
    if post.publish_at == old_publish_at:
        return False
    old_title = DevReflection(publish_at=old_publish_at).default_title()
    new_title = post.default_title()
    if post.title != old_title or new_title == old_title:
        return False
    post.title = new_title
    old_slug = slugify(old_title)[:190]
    if re.fullmatch(re.escape(old_slug) + r"(-\d+)?", post.slug or ""):
        post.slug = ""  # Writing.save makes it from the new title, unique
    return True
