from django import template
from django.conf import settings

from core.safe_urls import safe_url

register = template.Library()


@register.simple_tag
def newsletter_signup_action():
    """``NEWSLETTER_SIGNUP_URL`` when it is http(s), else ""."""
    return safe_url(settings.NEWSLETTER_SIGNUP_URL)


@register.inclusion_tag("includes/newsletter_signup.html")
def newsletter_signup(name=""):
    """The signup form, posting to ``NEWSLETTER_SIGNUP_URL`` (none: no form). A plain
    form: no script (the CSP allows its action's origin in form-action)."""
    return {"action": newsletter_signup_action(), "name": name}
