"""Renditions made off the request path: a large upload is stored alone and returns;
a worker makes its renditions (``images.processing``), then brings the stored HTML of
the posts, pages and books that show it up to date, so that they get its ``srcset``.
Until then they show the original, which is always there.
"""

import logging
from functools import reduce
from operator import or_

from django.apps import apps
from django.db.models import Q
from django.tasks import default_task_backend
from markdownx.models import MarkdownxField

from core.markdown import render_markdown
from core.page_cache import invalidate
from core.tasks import retrying_task

logger = logging.getLogger(__name__)


def deferring():
    """Whether renditions can wait for a worker: only on a backend that runs tasks later.
    The immediate one (tests, ``TASKS_BACKEND=immediate``) would make them in the
    request all the same."""
    return default_task_backend.supports_defer


@retrying_task
def make_renditions(image_id):
    """Make the missing renditions of library image ``image_id``; re-render its uses."""
    from .models import Image
    from .processing import renditions_of_stored

    image = Image.objects.filter(pk=image_id).first()
    if image is None or image.renditions:
        return 0  # deleted meanwhile, or made by an earlier try
    image.renditions = renditions_of_stored(image.file, image.format)
    image.save(update_fields=["renditions"])
    changed = rerender_uses(image.file.name)
    logger.info("Renditions of %s made; %d texts rendered again", image.file.name, changed)
    return changed


def rerender_uses(name):
    """Render again the stored HTML of every row whose Markdown mentions the stored file
    ``name``; how many changed. Written with ``update()``: no new "updated" time."""
    changed = 0
    for model in apps.get_models():
        sources = [f.name for f in model._meta.concrete_fields if isinstance(f, MarkdownxField)]
        if not sources:
            continue
        mentions = reduce(or_, (Q(**{f"{source}__contains": name}) for source in sources))
        for row in model._default_manager.filter(mentions).iterator(chunk_size=100):
            changed += _rerender(model, row, sources)
    if changed:
        invalidate()
    return changed


def _rerender(model, row, sources):
    if hasattr(row, "render") and hasattr(row, "markdown_fields"):
        # A post: its own render() (HTML, excerpt, word count).
        fields = [target for _source, target in row.markdown_fields()] + ["excerpt", "word_count"]
        before = {name: getattr(row, name) for name in fields}
        row.render()
        after = {name: getattr(row, name) for name in fields}
    else:
        before = {f"{s}_html": getattr(row, f"{s}_html", None) for s in sources}
        after = {target: render_markdown(getattr(row, target[:-5])) for target in before}
        after = {target: html for target, html in after.items() if before[target] is not None}
        before = {target: before[target] for target in after}
    if after == before:
        return 0
    model._default_manager.filter(pk=row.pk).update(**after)
    return 1
