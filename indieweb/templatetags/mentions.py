from django import template

from ..models import Mention

register = template.Library()


@register.simple_tag
def approved_mentions(post):
    """The approved mentions of one post: one query."""
    return list(Mention.objects.filter(writing_id=post.pk, status=Mention.Status.APPROVED))
