"""From one file's front matter and body to what the importer saves.

``Mapper.map`` returns a ``Plan`` (a post: its type, field values, tags, the old paths
that should redirect to it, its images) or a ``RedirectStub`` (a file that only says
"this address moved", like the Go blog's ``redirect:`` pages). Keys it cannot map are
kept in the post's ``metadata``. It raises ``Skip`` for what cannot be imported.
"""

from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.text import slugify

from core.publishing import Status
from core.redirects import normalise
from core.safe_urls import is_safe_url
from core.validators import validate_free_path, validate_path_slug
from essays.models import ArticleAnalysis, Essay

from . import analysis, authors, frontmatter, kinds, shortcodes, site_data, siteconfig
from .body import import_text
from .errors import Skip
from .images import ImageImport
from .values import as_list, jsonable, parse_bool, parse_datetime, parse_duration, parse_size

# Date keys are matched ignoring case, as Hugo reads them.
PUBLISH_KEYS = ("publishDate", "publish_date", "pubDate")
EXPIRY_KEYS = ("expiryDate", "expiry_date", "unpublishDate")
LASTMOD_KEYS = ("lastmod", "modified")
# Series (by name) become tags too: the site's one taxonomy, so a series keeps its page.
TAG_KEYS = ("tags", "tag", "categories", "category", "keywords", "series")
AUDIO_URL_KEYS = ("audio_url", "audio", "podcast_file", "enclosure", "mp3")
DURATION_KEYS = ("audio_duration", "duration", "podcast_duration", "itunes_duration")
SIZE_KEYS = ("audio_size", "audio_bytes", "size", "podcast_size")
SOURCE_KEYS = {
    "source_title": ("source_title",),
    "source_url": ("source_url", "source_link"),
    "source_author": ("source_author",),
    "source_publication": ("source_publication", "publication"),
    "quote": ("quote",),
}
_is_url = URLValidator(schemes=["http", "https"])


@dataclass
class Plan:
    source: object
    model: type
    slug: str
    fields: dict
    tags: list
    redirects: list  # old paths of this site that should lead to the post
    images: ImageImport
    warnings: list = field(default_factory=list)  # (reason, detail)
    dated: bool = True  # False: no date in the file; an update keeps the stored one


@dataclass
class RedirectStub:
    source: object
    slug: str
    old_path: str
    target: str
    warnings: list = field(default_factory=list)
    old_paths: list = field(default_factory=list)  # more addresses of the file (Hugo's URL)


@dataclass
class Address:
    """Where the importer, having seen every file, puts one: decided before it is mapped."""

    slug: str  # the slug it gets here (clashes and site routes already resolved)
    old_paths: list = field(default_factory=list)  # its Hugo URL(s), to redirect
    relink: object = None  # relink(url, embedded) for links to other posts, or None
    warnings: list = field(default_factory=list)


class Mapper:
    def __init__(self, default_author, site_roots):
        self.default_author = default_author
        self.site_roots = site_roots
        self.library = None  # the image library's storage names
        # Hugo reads a date without an offset in the site's timeZone.
        root = site_roots[0] if site_roots else None
        self.time_zone, problem = siteconfig.time_zone(root) if root else (None, None)
        self.config_warnings = [("site time zone", problem)] if problem else []

    def wanted_slug(self, source):
        """(the slug the file asks for, or None for a redirect page; the redirect target)."""
        front = dict(source.front)
        _rendered_by_hugo(front, [])  # a file Hugo makes no page for claims no address
        slug, _url_path, _redirects = _slug(source, front, [])
        return (None, source.front["redirect"]) if "redirect" in front else (slug, None)

    def map(self, source, address=None):
        front, warnings = dict(source.front), list(self.config_warnings)
        _rendered_by_hugo(front, warnings)
        if "redirect" in front:
            stub = self._stub(source, front, warnings)
            if address is not None:
                stub.old_paths = list(address.old_paths)
            return stub
        model, _key = kinds.detect(front, source.folders, front.get("title"))
        for key in kinds.KEYS:
            if kinds.kind_of_word(front.get(key)):
                front.pop(key)
        slug, url_path, redirects = _slug(source, front, warnings)
        if url_path:
            redirects.append(url_path)
        if address is not None:  # the importer settled clashes with other files and routes
            slug = address.slug
            redirects += address.old_paths
            warnings += address.warnings
        try:
            validate_free_path(slug)
        except ValidationError as error:
            raise Skip("slug taken by the site", f"/{slug}/ is a page of the site") from error
        meta = {}
        fields = {"slug": slug, "title": _text(front, "title")}
        if not fields["title"] and model is Essay:
            fields["title"] = slug.replace("-", " ").capitalize()
            warnings.append(("no title", f"titled “{fields['title']}” from its slug"))
        publish_at, expire_at = self._dates(source, front, meta, warnings)
        draft = self._draft(source, front)
        start = publish_at or (None if draft else timezone.now())
        if expire_at is not None and start is not None and expire_at <= start:
            # Hugo never showed it: it expired before it went live.
            meta["expiryDate"] = jsonable(expire_at)
            warnings.append(("expires before it is published", "imported as a draft"))
            draft, expire_at = True, None
        fields["status"] = Status.DRAFT if draft else Status.PUBLISHED
        fields["publish_at"] = publish_at
        fields["expire_at"] = expire_at
        fields["description"] = _text(front, "description") or _text(front, "summary")
        fields["featured"] = _flag(front, "featured", warnings)
        tags = _tags(front, warnings)
        for alias in as_list(front.pop("aliases", None)) + as_list(front.pop("alias", None)):
            if isinstance(alias, str) and alias.strip():
                redirects.append(urlsplit(alias.strip()).path or alias.strip())
        fields["byline"] = authors.take(front, meta, self.default_author, warnings)
        fields.update(_audio(front, meta, warnings))
        images = ImageImport(slug, source.base_dir, self.site_roots)
        if self.library is None:  # read once, after the import has brought the library in
            self.library = site_data.library_names()
        images = _chained(site_data.library_link(self.library), images)
        if address is not None and address.relink is not None:
            images = _chained(address.relink, images)
        body, originals = _strip(source.body), []  # originals: converted shortcodes
        if model is ArticleAnalysis:
            fields.update(_source_fields(front, meta, warnings))
            summary, critique = _analysis_parts(body, fields, meta, warnings)
            fields["summary"], kept = import_text(summary, images, source.front, originals)
            fields["analysis"], more = import_text(critique, images, source.front, originals)
            kept += more
            if not fields["source_title"]:
                fields["source_title"] = analysis.source_title(fields["title"])
        else:
            fields["body"], kept = import_text(body, images, source.front, originals)
        if "range" in kept and publish_at is None:
            raise Skip("not a post", "a list page built by a template loop ({{range}})")
        texts = (fields.get(name, "") for name in ("body", "summary", "analysis"))
        warnings += _report_body(kept, images, shortcodes.names("\n\n".join(texts)))
        meta.update({str(key): jsonable(value) for key, value in front.items()})
        if originals:
            meta[shortcodes.ORIGINALS_KEY] = originals
        fields["metadata"] = meta
        plan = Plan(source, model, slug, fields, tags, redirects, images, warnings)
        plan.dated = publish_at is not None
        if not plan.dated and not draft:
            warnings.append(("no date", "published and dated now"))
        return plan

    def _dates(self, source, front, meta, warnings):
        """(publish_at, expire_at) as Hugo reads them; an unreadable ``date`` or
        ``publishDate`` skips the post, an unreadable expiry or lastmod is reported."""
        date_key, date = frontmatter.pop(front, "date")
        key, publish = frontmatter.pop(front, *PUBLISH_KEYS)
        if key is None and not isinstance(front.get("published"), bool | None):
            key, publish = "published", front.pop("published")  # Hugo's alias of publishDate
        try:
            when = self._parse(date) if date is not None else None
            publish_at = self._parse(publish) if publish is not None else when
        except ValueError as error:
            which = key if publish is not None else date_key
            raise Skip("bad date", f"{which}: {error}") from error
        if when is not None and publish_at != when:
            meta["date"] = jsonable(date)  # the content's own date, when it differs
        if publish_at is None and source.file_date:
            publish_at = self._parse(source.file_date)
        lastmod = self._optional_date(front, meta, LASTMOD_KEYS, warnings)
        if lastmod is not None:
            # The site keeps its own "updated" time, set by every save; Hugo's lastmod is
            # kept in the metadata (and exported back), and dates a post that has no date.
            warnings.append(("lastmod kept in metadata", "the site sets its own updated time"))
            publish_at = publish_at or lastmod
        expire_at = self._optional_date(front, meta, EXPIRY_KEYS, warnings, keep=False)
        return publish_at, expire_at

    def _parse(self, value):
        return parse_datetime(value, self.time_zone)

    def _optional_date(self, front, meta, keys, warnings, keep=True):
        """A date that, unreadable, is reported rather than skipping the post. It is kept
        in ``meta`` as written when it does not read, or always if ``keep``."""
        key, value = frontmatter.pop(front, *keys)
        if key is None:
            return None
        try:
            moment = self._parse(value)
        except ValueError as error:
            meta[key] = jsonable(value)
            warnings.append(("bad date", f"{key}: {error}; kept in metadata, not used"))
            return None
        if keep:
            meta[key] = jsonable(value)
        return moment

    def _draft(self, source, front):
        draft = source.draft
        key, value = frontmatter.pop(front, "draft")
        if key is not None:
            try:
                draft = parse_bool(value)
            except ValueError as error:
                raise Skip("bad front matter", f"{key}: {error}") from error
        if isinstance(front.get("published"), bool):  # Jekyll's "published: false"
            draft = not front.pop("published") or draft
        return draft

    def _stub(self, source, front, warnings):
        target = front.pop("redirect")
        if not isinstance(target, str) or not target.strip():
            raise Skip("bad front matter", "redirect: is not a path or an address")
        slug, url_path, _redirects = _slug(source, front, warnings)
        if _strip(source.body):
            warnings.append(("redirect page", "its text is not imported"))
        return RedirectStub(source, slug, url_path or f"/{slug}/", target.strip(), warnings)


def _rendered_by_hugo(front, warnings):
    """Raise ``Skip`` for a file Hugo publishes no page for: ``headless: true`` (a bundle
    other pages draw on) or ``build: {render: never}`` (``_build``, ``render: false`` and
    ``render: link`` too). The keys stay in the metadata: export writes them back."""
    key, headless = frontmatter.find(front, "headless")
    if key is not None and _is_true(headless):
        raise Skip("not published by Hugo", f"{key}: true (Hugo renders no page for it)")
    key, build = frontmatter.find(front, "build", "_build")
    if key is None:
        return
    if not isinstance(build, dict):
        warnings.append(("kept in metadata", f"{key}: {build!r} is not a table of options"))
        return
    options = {str(name).lower(): value for name, value in build.items()}
    render = options.get("render", "always")
    if render is False or str(render).lower() in {"never", "false", "link"}:
        raise Skip("not published by Hugo", f"{key}: render: {render} (Hugo renders no page)")
    listed = options.get("list", "always")
    if listed is False or str(listed).lower() in {"never", "false", "local"}:
        warnings.append(
            (
                "listed here",
                f"{key}: list: {listed} kept it out of Hugo's lists; here it is listed "
                "like every published post",
            )
        )


def _is_true(value):
    try:
        return parse_bool(value)
    except ValueError:
        return False


def _pop_first(front, keys):
    for key in keys:
        if key in front:
            return key, front.pop(key)
    return None, None


def _text(front, key):
    """A text value, taken out of ``front``; other types stay for the metadata."""
    value = front.get(key)
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        front.pop(key)
        return str(value).strip()
    return ""


def _flag(front, key, warnings):
    if key not in front:
        return False
    try:
        value = parse_bool(front[key])
    except ValueError as error:
        warnings.append(("kept in metadata", f"{key}: {error}"))
        return False
    front.pop(key)
    return value


def _strip(text):
    """Without blank lines at the start (an indented first line stays indented) or newlines
    at the end: what an export writes back around the body."""
    lines = text.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines).rstrip("\n")


def _slug(source, front, warnings):
    """(slug, the old path given by ``url``/``permalink`` if it differs, other old paths)."""
    redirects = []
    slug = _text(front, "slug")
    url_key, url = _pop_first(front, ("url", "permalink"))
    url_path = urlsplit(url.strip()).path if isinstance(url, str) and url.strip() else None
    if url is not None and url_path is None:
        front[url_key] = url
    if not slug:
        segments = [part for part in (url_path or "").split("/") if part]
        slug = segments[-1] if segments else source.slug
        slug = slug.removesuffix(".html").removesuffix(".htm")
    try:
        validate_path_slug(slug)
    except ValidationError:
        fixed = slugify(slug)
        if not fixed:
            raise Skip("bad slug", f"“{slug}” cannot be made into an address") from None
        warnings.append(("slug changed", f"“{slug}” became “{fixed}”; the old address redirects"))
        redirects.append(f"/{slug}/")
        slug = fixed
    if slug != slug.lower():  # Hugo lower-cases addresses; the one as written redirects
        redirects.append(f"/{slug}/")
        slug = slug.lower()
    if len(slug) > 200:
        raise Skip("bad slug", f"“{slug[:40]}…” is longer than 200 characters")
    if url_path and normalise(url_path).rstrip("/") == f"/{slug}":
        url_path = None
    return slug, url_path, redirects


def _chained(relink, images):
    """Links to other posts first, then images; ``missing`` and ``refused`` stay readable."""

    class Chained:
        def __getattr__(self, name):
            return getattr(images, name)

        def __call__(self, url, embedded):
            return relink(url, embedded) or images(url, embedded)

    return Chained()


def _tags(front, warnings):
    names, seen = [], set()
    for key in TAG_KEYS:
        if key == "series" and not all(isinstance(v, str) for v in as_list(front.get(key))):
            continue  # a series described by a table stays in the metadata
        for value in as_list(front.pop(key, None), split_commas=True):
            if not isinstance(value, str | int | float) or isinstance(value, bool):
                warnings.append(("tag ignored", f"{key}: {value!r} is not a name"))
                continue
            name = str(value).strip().lower()
            if len(name) > 100:
                warnings.append(("tag shortened", f"“{name[:40]}…” to 100 characters"))
                name = name[:100]
            slug = slugify(name)
            if slug and slug not in seen:
                seen.add(slug)
                names.append(name)
    return names


def _audio(front, meta, warnings):
    fields = {"audio_url": "", "audio_seconds": None, "audio_bytes": None}
    key, url = _pop_first(front, AUDIO_URL_KEYS)
    if key and _valid_url(url):
        fields["audio_url"] = url.strip()
    elif key:
        meta[key] = jsonable(url)
        warnings.append(("kept in metadata", f"{key}: {url!r} is not a full http(s) address"))
    for name, keys, parse in (
        ("audio_seconds", DURATION_KEYS, parse_duration),
        ("audio_bytes", SIZE_KEYS, parse_size),
    ):
        key, value = _pop_first(front, keys)
        if key is None:
            continue
        try:
            fields[name] = parse(value)
        except ValueError as error:
            meta[key] = jsonable(value)
            warnings.append(("kept in metadata", f"{key}: {error}"))
    return fields


def _source_fields(front, meta, warnings):
    fields = {}
    for name, keys in SOURCE_KEYS.items():
        key, _value = next(((key, front[key]) for key in keys if key in front), (None, None))
        fields[name] = _text(front, key) if key else ""
    if fields["source_url"] and not _valid_url(fields["source_url"]):
        meta["source_url"] = fields.pop("source_url")
        fields["source_url"] = ""
        warnings.append(("kept in metadata", "source_url is not a full http(s) address"))
    return fields


def _analysis_parts(body, fields, meta, warnings):
    """(summary, analysis) Markdown of an analysis's body. The quote, the source line and
    the framing sentence read from it (``transfer/analysis.py``) fill what the front matter
    left empty; a published one that still fails the publish gate stays published."""
    parts = analysis.parse(body, fields["description"], fields["quote"], fields["source_url"])
    fields["description"] = parts.description or fields["description"]
    fields["quote"] = fields["quote"] or parts.quote
    url = parts.source.get("url", "")
    if url and not fields["source_url"]:
        if _valid_url(url) and len(url) <= 500:
            fields["source_url"] = url
        else:
            meta.setdefault("source_url", url)
            warnings.append(("kept in metadata", "the source link is not a usable address"))
    for name, key, size in (
        ("source_title", "title", 300),
        ("source_author", "author", 200),
        ("source_publication", "publication", 200),
    ):
        fields[name] = fields[name] or parts.source.get(key, "")[:size]
    wanted = {
        "source URL": fields["source_url"],
        "quote": fields["quote"],
        "summary": parts.summary,
        "analysis": parts.analysis,
    }
    missing = [what for what, value in wanted.items() if not value.strip()]
    if missing and fields["status"] == Status.PUBLISHED:
        warnings.append(
            (
                "fails the publish gate",
                f"no {' and no '.join(missing)}: kept published; its form says so until fixed",
            )
        )
    return parts.summary, parts.analysis


def _valid_url(value):
    """An address the post's URL fields will store (``core.safe_urls``): http(s) only."""
    if not isinstance(value, str) or not is_safe_url(value.strip()):
        return False
    try:
        _is_url(value.strip())
    except ValidationError:
        return False
    return True


def _report_body(kept, images, hidden):
    warnings = []
    if images.missing:
        listed = ", ".join(images.missing)
        warnings.append(("missing image", f"{len(images.missing)}, links kept: {listed}"))
    warnings += [("image not copied", reason) for reason in images.refused]
    for reason, counts in (
        ("template directive kept as code", Counter(kept) - Counter(hidden)),
        (shortcodes.UNHANDLED, Counter(hidden)),
    ):
        if counts:
            names = ", ".join(f"{name} ×{n}" if n > 1 else name for name, n in counts.items())
            warnings.append((reason, names))
    return warnings
