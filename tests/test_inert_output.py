"""Every output is inert: hostile text and URLs in every field, through the ORM, the admin
and the importer, never come out as something a browser or feed reader would run.

The payloads are our own: markup, event handlers, quotes that break out of attributes,
entity- and whitespace-obfuscated schemes, SVG and MathML links, CSS, and JSON-LD and
<title> breakouts. The walk renders every public page, feed, the sitemap, a search, a
share-link preview and the admin pages of each row, and reads each as a browser would
(``html.parser``; a feed's <description> as the HTML a reader renders) to find anything
executable: a script that is not our JSON-LD, an ``on…`` attribute, a URL attribute with
a script or data scheme, a frame, object, embed, base or refresh, or script in CSS.
"""

import html
import json
import re
import tempfile
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from books.models import Book
from core.models import Redirect, SiteSettings
from core.publishing import Status
from editorial.models import PreviewLink
from essays.models import ArticleAnalysis, DevReflection, Essay, Tag, Writing
from pages.models import Page, Project
from transfer.importer import Importer

from .factories import ArticleAnalysisFactory, BookFactory, DevReflectionFactory, EssayFactory
from .public import public_urls

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "'><iframe src=javascript:alert(1)></iframe>",
    "<svg/onload=alert(1)>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href=" JaVaScRiPt:alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<base href="//evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<details open ontoggle=alert(1)>x</details>",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus='",
    "</title><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "![x](javascript:alert(1))",
    "<javascript:alert(1)>",
    "[x](JAVASCRIPT:alert(1) 'title')",
    "{{ 7*7 }}{% debug %}",
]
URL_PAYLOADS = [
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "\x01javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/x",
    'https://example.com/"><script>alert(1)</script>',  # a web URL: stored, escaped
]
UNSAFE_URLS = [url for url in URL_PAYLOADS if not url.startswith("https://")]

URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "background",
    "poster",
    "srcset",
    "cite",
    "ping",
}
DANGEROUS_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet"}
SCRIPT_SCHEME = re.compile(r"^(?:javascript|vbscript|data):", re.IGNORECASE)
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


class Executable(HTMLParser):
    """Collects what a browser would run in a document."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.script = None  # (type, text) of the script being read

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = html.unescape(value or "")
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in URL_ATTRIBUTES and SCRIPT_SCHEME.match(_INVISIBLE.sub("", value)):
                if not (tag == "img" and value.startswith("data:image/")):
                    self.found.append(f"<{tag} {name}={value[:40]!r}>")
            if name == "style" and re.search(r"javascript:|expression\(", value, re.I):
                self.found.append(f"<{tag} style={value[:40]!r}>")
            if tag == "meta" and name == "http-equiv" and value.lower() == "refresh":
                self.found.append("<meta http-equiv=refresh>")
        if tag in DANGEROUS_TAGS:
            self.found.append(f"<{tag}>")
        if tag == "script":
            self.script = (dict(attrs).get("type") or "", [])
        if tag == "style":
            self.script = ("css", [])

    def handle_data(self, data):
        if self.script is not None:
            self.script[1].append(data)

    def handle_endtag(self, tag):
        if tag not in ("script", "style") or self.script is None:
            return
        kind, parts = self.script
        text = "".join(parts)
        self.script = None
        if kind == "css":
            if "alert" in text:
                self.found.append(f"<style>{text[:40]!r}")
        elif kind == "application/ld+json":
            json.loads(text)  # data, and whole: a breakout would not parse
        elif "alert" in text:
            self.found.append(f"<script>{text[:40]!r}")


def executable(document):
    parser = Executable()
    parser.feed(document)
    parser.close()
    return parser.found


def feed_executable(xml):
    """What a feed reader would run: each item's <description> is HTML."""
    found = []
    for item in ET.fromstring(xml).iter("item"):
        found += executable(item.findtext("description") or "")
    return found


def json_feed_executable(text):
    """What a JSON Feed reader would run: each item's content_html is HTML (its title and
    summary are plain text, which readers never render as markup)."""
    found = []
    for item in json.loads(text)["items"]:
        found += executable(item.get("content_html", ""))
        for name in ("url", "external_url", "image"):
            if SCRIPT_SCHEME.match(_INVISIBLE.sub("", item.get(name) or "")):
                found.append(f"{name}: {item[name][:40]!r}")
    return found


def legacy_urls(model, pk, **values):
    """Store URLs the way an old row or raw SQL would: past every check of the model."""
    model.objects.filter(pk=pk).update(**values)


@pytest.fixture
def hostile_site(db):
    site = SiteSettings.load()
    everything = " ".join(PAYLOADS)
    for field in (
        "author_name",
        "tagline",
        "newsletter_name",
        "newsletter_pitch",
        "books_pitch",
        "work_pitch",
        "blog_strapline",
        "podcast_title",
    ):
        setattr(site, field, everything[: site._meta.get_field(field).max_length])
    for field in ("short_bio", "writing_intro", "podcast_description"):
        setattr(site, field, everything)
    site.save()
    legacy_urls(
        SiteSettings, site.pk, newsletter_url=URL_PAYLOADS[0], podcast_apple_url=URL_PAYLOADS[1]
    )
    for n, payload in enumerate(PAYLOADS):
        url = URL_PAYLOADS[n % len(URL_PAYLOADS)]
        tag = Tag.objects.create(name=f"{payload}"[:100], slug=f"hostile-{n}")
        essay = EssayFactory(
            slug=f"essay-{n}",
            title=payload,
            description=payload,
            body=payload,
            byline=payload[:200],
            tags=[tag],
            featured=True,
        )
        analysis = ArticleAnalysisFactory(
            slug=f"analysis-{n}",
            title=payload,
            description=payload,
            quote=payload,
            summary=payload,
            analysis=payload,
            source_title=payload[:300],
            source_author=payload[:200],
            source_publication=payload[:200],
            tags=[tag],
        )
        legacy_urls(ArticleAnalysis, analysis.pk, source_url=url)
        reflection = DevReflectionFactory(
            slug=f"reflection-{n}",
            title=payload,
            body=payload,
            audio_url="https://example.com/a.mp3",
        )
        legacy_urls(DevReflection, reflection.pk, audio_url=url)
        book = BookFactory(
            slug=f"book-{n}",
            title=payload[:200],
            subtitle=payload[:200],
            description=payload[:300],
            pitch=payload,
            cover_alt=payload[:300],
        )
        legacy_urls(Book, book.pk, buy_url=url)
        Page.objects.create(
            slug=f"page-{n}",
            title=payload[:200],
            description=payload[:300],
            body=payload,
            status=Status.PUBLISHED,
            nav_order=n,
        )
        project = Project.objects.create(name=payload[:200], one_liner=payload[:300])
        legacy_urls(Project, project.pk, url=url)
        PreviewLink.objects.create(writing=essay)
    Redirect.objects.bulk_create([Redirect(old_path="/legacy/", new_path=URL_PAYLOADS[6])])
    return site


def test_the_model_refuses_every_unsafe_url_from_anywhere(db):
    post = ArticleAnalysisFactory()
    book = BookFactory()
    for url in UNSAFE_URLS:
        for item, field in ((post, "source_url"), (book, "buy_url")):
            setattr(item, field, url)
            with pytest.raises(ValidationError):
                item.save()
    site = SiteSettings.load()
    site.newsletter_url = "mailto:me@example.com"
    site.save()  # an email link is fine there
    site.newsletter_url = "javascript:alert(1)"
    with pytest.raises(ValidationError):
        site.save()


def test_no_public_surface_runs_a_payload(client, hostile_site):
    tried = 0
    for url in [*public_urls(), "/search/?q=" + PAYLOADS[2], "/search/?q=alert"]:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        if url.endswith("index.xml"):
            found = feed_executable(body)
        elif url.endswith("index.json"):
            found = json_feed_executable(body)
        elif url.endswith(".md"):
            # The author's Markdown source, as written: text a browser never renders
            # (not HTML, and never sniffed as HTML).
            assert response["Content-Type"] == "text/markdown; charset=utf-8", url
            assert response["X-Content-Type-Options"] == "nosniff", url
            found = []
        elif url.endswith((".xml", ".txt")):
            found = []
        else:
            found = executable(body)
        assert found == [], url
        tried += 1
    for link in PreviewLink.objects.all():
        response = client.get(link.get_absolute_url())
        assert response.status_code == 200
        assert executable(response.content.decode()) == []
        tried += 1
    assert client.get("/legacy/").status_code == 404  # never redirected off the site
    assert tried > 4 * len(PAYLOADS)


def test_no_admin_page_runs_a_payload(admin_client, hostile_site):
    pages = [reverse("admin:index")]
    for model in (Essay, ArticleAnalysis, DevReflection, Book, Page, Tag, Project):
        meta = model._meta
        pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        for pk in model.objects.values_list("pk", flat=True)[:8]:
            pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[pk]))
    pages.append(reverse("admin:essays_writing_changelist"))
    for url in pages:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert executable(response.content.decode()) == [], url


def test_the_admin_form_refuses_unsafe_urls_and_keeps_the_rest(admin_client):
    from .test_admin import FORMS, admin_url, publishing

    for url in UNSAFE_URLS:
        data = {**FORMS[ArticleAnalysis], **publishing(), "source_url": url}
        response = admin_client.post(admin_url(ArticleAnalysis, "add"), data)
        if url.startswith("//"):  # the form reads it as https://evil.example/x: a web link
            assert ArticleAnalysis.objects.get().source_url == "https://evil.example/x"
            continue
        assert response.status_code == 200, url
        assert response.context["adminform"].form.errors["source_url"]
    assert Writing.objects.count() == 1


def test_an_import_of_hostile_files_stays_inert(client, db):
    with tempfile.TemporaryDirectory() as folder:
        posts = Path(folder) / "content" / "posts"
        posts.mkdir(parents=True)
        for n, payload in enumerate(PAYLOADS):
            front = {
                "title": payload,
                "description": payload,
                "date": "2024-01-02",
                "tags": [payload[:50]],
                "source_url": URL_PAYLOADS[n % len(URL_PAYLOADS)],
                "audio_url": URL_PAYLOADS[(n + 1) % len(URL_PAYLOADS)],
                "type": "analysis" if n % 2 else "dev-reflection",
            }
            text = f"---\n{json.dumps(front)}\n---\n\n{payload}\n\n## Summary\n\n{payload}\n"
            (posts / f"hostile-{n}.md").write_text(text, encoding="utf-8")
        report = Importer(folder).run()
    assert len(report.created) == len(PAYLOADS)  # nothing lost: unsafe URLs kept aside
    for post in Writing.objects.with_specific():
        post = post.specific
        assert not getattr(post, "source_url", "").lower().startswith("javascript")
        response = client.get(post.get_absolute_url())
        assert response.status_code == 200
        assert executable(response.content.decode()) == [], post.slug
    assert feed_executable(client.get("/index.xml").content.decode()) == []
