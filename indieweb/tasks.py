"""Verifying a received mention: the source page must link to the target."""

import logging

from django.tasks import task
from django.utils import timezone
from django.utils.text import Truncator

from .fetch import FetchError, parse, request
from .models import Mention

logger = logging.getLogger(__name__)


def _same(a, b):
    return a.rstrip("/") == b.rstrip("/")


@task
def verify_mention(mention_id):
    mention = Mention.objects.filter(pk=mention_id, status=Mention.Status.PENDING).first()
    if mention is None:
        return None
    try:
        page = parse(request(mention.source))
    except FetchError as error:
        mention.status, mention.error = Mention.Status.INVALID, str(error)[:1000]
    else:
        if any(_same(link, mention.target) for link in page.links):
            mention.status, mention.error = Mention.Status.VERIFIED, ""
            mention.title = Truncator(page.title).chars(300)
            mention.author_name = Truncator(page.author).chars(200)
            mention.excerpt = Truncator(page.description).chars(500)
        else:
            mention.status, mention.error = Mention.Status.INVALID, "no link to the target"
    mention.verified_at = timezone.now()
    mention.save()
    logger.info("Webmention %s: %s", mention, mention.status)
    return mention.status
