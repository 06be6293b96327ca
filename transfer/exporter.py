"""Exporting every post (drafts and scheduled ones too) as Markdown with YAML front matter.

The layout is Hugo's, as page bundles: ``content/<section>/<slug>/index.md`` with the
post's images beside it, so that every post carries its files and the importer reads the
folder back as it is. Redirects to a post become its ``aliases``; any other redirect is
written as ``content/redirects/<name>.md`` with ``url:`` and ``redirect:``. The post's
metadata goes back into its front matter, so that importing an export into an empty
database gives the same posts. Pages, books, the image library, tags no post uses and the
site settings are written beside them (``site_data``), the settings as hugo.toml's
``[params]``.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm

from core.models import Redirect, SiteSettings
from core.publishing import Status
from essays.models import ArticleAnalysis, Writing
from pages.models import Page

from . import analysis, authors, frontmatter, shortcodes, site_data
from .body import export_text
from .images import ImageExport
from .mapper import SOURCE_KEYS


@dataclass
class ExportReport:
    posts: dict = field(default_factory=lambda: defaultdict(int))  # section -> count
    images: int = 0
    redirect_pages: int = 0
    pages: int = 0
    books: int = 0
    library: int = 0
    missing: list = field(default_factory=list)  # (path, url)

    def lines(self):
        counts = ", ".join(f"{n} in {section}" for section, n in sorted(self.posts.items()))
        yield (
            f"Exported {sum(self.posts.values())} posts ({counts or 'none'}), "
            f"{self.images} images and {self.redirect_pages} redirect pages."
        )
        yield f"Exported {self.pages} pages, {self.books} books and {self.library} library images."
        for path, url in self.missing:
            yield f"  missing image {url} in {path}: the link is kept"


class Exporter:
    def __init__(self, folder, progress=None):
        self.content = Path(folder) / "content"
        self.progress = progress
        self.report = ExportReport()

    def run(self):
        settings = SiteSettings.load()
        default_author = settings.author_name
        aliases, elsewhere = self._redirects()
        posts = Writing.objects.with_specific().prefetch_related("tags").order_by("pk")
        bar = tqdm(posts, file=self.progress, disable=self.progress is None, desc="Export")
        for writing in bar:
            post = writing.specific
            folder = self.content / post.section / post.slug
            folder.mkdir(parents=True, exist_ok=True)
            images = ImageExport(folder, default_storage)
            front = front_matter(post, aliases.get(post.slug, []), default_author)
            text = frontmatter.dump(front, body(post, site_data.library_first(images)))
            (folder / "index.md").write_text(text, encoding="utf-8")
            self.report.posts[post.section] += 1
            self.report.images += len(images.written)
            rel = (folder / "index.md").relative_to(self.content.parent).as_posix()
            self.report.missing += [(rel, url) for url in images.missing]
        self._redirect_pages(elsewhere)
        self.report.pages = site_data.export_pages(self.content, aliases)
        self.report.books = site_data.export_books(self.content)
        self.report.library = site_data.export_data(self.content.parent, settings)
        self._config(settings)
        return self.report

    def _config(self, settings):
        """A hugo.toml saying that each post lives at /<slug>/, as here: Hugo serves the
        export at the same addresses, and importing it back adds no redirect. Its
        ``[params]`` are the site settings. It replaces one already there, as every file
        of the export does: otherwise the settings written would be stale."""
        sections = sorted(self.report.posts)
        lines = ["# Written by export_markdown: every post lives at /<slug>/.", "[permalinks]"]
        lines += [f'  "{section}" = "/:slugorfilename/"' for section in sections]
        lines += site_data.params(settings)
        config = self.content.parent / "hugo.toml"
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def _redirects(self):
        """({slug: [old paths]} for redirects to a post or page, [redirects elsewhere])."""
        slugs = set(Writing.objects.values_list("slug", flat=True))
        slugs |= set(Page.objects.values_list("slug", flat=True))
        aliases, elsewhere = defaultdict(list), []
        for redirect in Redirect.objects.order_by("old_path"):
            slug = redirect.new_path.strip("/")
            if redirect.new_path in (f"/{slug}/", f"/{slug}") and slug in slugs:
                aliases[slug].append(redirect.old_path)
            else:
                elsewhere.append(redirect)
        return aliases, elsewhere

    def _redirect_pages(self, redirects):
        folder, taken = self.content / "redirects", set()
        for redirect in redirects:
            name = slugify(redirect.old_path.replace("/", " ")) or "redirect"
            stem, n = name, 2
            while name in taken:
                name, n = f"{stem}-{n}", n + 1
            taken.add(name)
            folder.mkdir(parents=True, exist_ok=True)
            front = {"url": redirect.old_path, "redirect": redirect.new_path}
            (folder / f"{name}.md").write_text(frontmatter.dump(front, ""), encoding="utf-8")
            self.report.redirect_pages += 1


def front_matter(post, aliases, default_author):
    meta = dict(post.metadata)
    meta.pop(shortcodes.ORIGINALS_KEY, None)  # written back into the body instead
    front = {"title": post.title}
    if "/" in post.slug:  # a nested path is its URL: Hugo's slug is one part
        front["url"] = f"/{post.slug}/"
    else:
        front["slug"] = post.slug
    if post.publish_at:
        # "date" in the metadata is the content's own date, kept when publishDate differed.
        key = "publishDate" if "date" in meta else "date"
        front[key] = timezone.localtime(post.publish_at)
    if post.expire_at:
        front["expiryDate"] = timezone.localtime(post.expire_at)
    if post.status == Status.DRAFT:
        front["draft"] = True
    if post.description:
        front["description"] = post.description
    if tags := sorted(tag.name for tag in post.tags.all()):
        front["tags"] = tags
    if post.featured:
        front["featured"] = True
    if aliases:
        front["aliases"] = sorted(aliases)
    raw_authors = {key: meta[key] for key in authors.KEYS if key in meta}
    if post.byline != authors.byline(raw_authors, default_author):
        front["byline"] = post.byline
    if post.audio_url:
        front["audio_url"] = post.audio_url
    if post.audio_seconds is not None:
        front["audio_duration"] = post.audio_duration
    if post.audio_bytes is not None:
        front["audio_size"] = post.audio_bytes
    if isinstance(post, ArticleAnalysis):
        front.update({name: getattr(post, name) for name in SOURCE_KEYS if getattr(post, name)})
    for key, value in meta.items():
        front.setdefault(key, value)
    return front


def body(post, images):
    if isinstance(post, ArticleAnalysis):
        text = analysis.join(export_text(post.summary, images), export_text(post.analysis, images))
    else:
        text = export_text(post.body, images)
    # The shortcodes the import converted, back as they came (unless edited since).
    return shortcodes.restore(text, post.metadata.get(shortcodes.ORIGINALS_KEY))
