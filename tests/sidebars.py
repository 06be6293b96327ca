"""Reading the sidebars as readers get them: from the rendered HTML."""

import re

from django.template import Context, Template
from django.test import RequestFactory

from core import fragments


def section_links(html, name):
    """The links of the teasers in the sidebar section ``name`` (featured, books, recent,
    related), in order; [] when the page has no such section."""
    match = re.search(rf'<section aria-labelledby="{name}-heading">(.*?)</section>', html, re.S)
    return re.findall(r'<h3><a href="([^"]+)"', match.group(1)) if match else []


def page_request():
    """A request whose site settings are loaded, as a page's are by its sidebars."""
    request = RequestFactory().get("/")
    fragments.site_settings(request)
    return request


def render_related(post, request=None):
    """The related-writing section of ``post``'s page, rendered by its template tag."""
    template = Template("{% load related_sidebars %}{% related_writing post %}")
    return template.render(Context({"request": request or page_request(), "post": post}))


def related_slugs(post):
    """What readers of ``post`` see in its related list, in order."""
    return [link.strip("/") for link in section_links(render_related(post), "related")]
