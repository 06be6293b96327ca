"""Every public URL of the site, found from what is published, for the walks that check them."""

from django.urls import reverse

from books.models import Book
from essays.models import SECTIONS, Tag, Writing
from pages.models import Page

# Each feed and its JSON Feed twin.
TWINS = ("", "-json")


def public_urls():
    urls = [
        reverse("home"),
        reverse("writing"),
        reverse("podcast"),
        reverse("essays:blog"),
        reverse("essays:tags"),
        reverse("books:list"),
        reverse("search:results") + "?q=post",
        reverse("feeds:all"),
        reverse("feeds:podcast"),
        reverse("feeds:all-json"),
        reverse("feeds:podcast-json"),
        reverse("sitemap"),
        "/robots.txt",
        reverse("llms-txt"),
    ]
    urls += [reverse("essays:section", kwargs={"section": section}) for section in SECTIONS]
    for section in SECTIONS:
        urls += [reverse(f"feeds:section{twin}", kwargs={"section": section}) for twin in TWINS]
    for tag in Tag.objects.in_use():
        urls.append(tag.get_absolute_url())
        urls += [reverse(f"feeds:tag{twin}", kwargs={"tag": tag.slug}) for twin in TWINS]
    urls += [post.get_absolute_url() for post in Writing.objects.published()]
    # Each post's Markdown twin.
    urls += [reverse("markdown-twin", kwargs={"slug": p.slug}) for p in Writing.objects.published()]
    # An episode's transcript (its chapters only when its headings give times).
    for post in Writing.objects.published().exclude(audio_url=""):
        urls.append(reverse("feeds:transcript", kwargs={"slug": post.slug}))
    urls += [book.get_absolute_url() for book in Book.objects.published()]
    urls += [page.get_absolute_url() for page in Page.objects.published()]
    return urls


def html_urls():
    """The public pages that are HTML documents (not feeds, sitemap or robots.txt)."""
    # A transcript is a document for podcast apps, not a page of the site.
    documents = (".xml", ".txt", ".json", ".md", "/transcript.html")
    return [url for url in public_urls() if not url.endswith(documents)]
