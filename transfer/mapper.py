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
from django.utils.text import slugify

from core.publishing import Status
from core.redirects import normalise
from core.validators import validate_free_path, validate_path_slug
from essays.models import ArticleAnalysis, Essay

from . import analysis, authors, kinds
from .body import import_text
from .errors import Skip
from .images import ImageImport
from .values import as_list, jsonable, parse_bool, parse_datetime, parse_duration, parse_size

PUBLISH_KEYS = ("publishDate", "publishdate", "publish_date", "pubDate")
TAG_KEYS = ("tags", "tag", "categories", "category", "keywords")
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


class Mapper:
    def __init__(self, default_author, site_roots):
        self.default_author = default_author
        self.site_roots = site_roots

    def map(self, source):
        front, warnings = dict(source.front), []
        if "redirect" in front:
            return self._stub(source, front, warnings)
        model, _key = kinds.detect(front, source.folders, front.get("title"))
        for key in kinds.KEYS:
            if kinds.kind_of_word(front.get(key)):
                front.pop(key)
        slug, url_path, redirects = _slug(source, front, warnings)
        if url_path:
            redirects.append(url_path)
        try:
            validate_free_path(slug)
        except ValidationError as error:
            raise Skip("slug taken by the site", f"/{slug}/ is a page of the site") from error
        meta = {}
        fields = {"slug": slug, "title": _text(front, "title")}
        if not fields["title"] and model is Essay:
            fields["title"] = slug.replace("-", " ").capitalize()
            warnings.append(("no title", f"titled “{fields['title']}” from its slug"))
        publish_at = self._dates(source, front, meta)
        draft = self._draft(source, front)
        fields["status"] = Status.DRAFT if draft else Status.PUBLISHED
        fields["publish_at"] = publish_at
        fields["description"] = _text(front, "description") or _text(front, "summary")
        fields["featured"] = _flag(front, "featured", warnings)
        tags = _tags(front, warnings)
        for alias in as_list(front.pop("aliases", None)) + as_list(front.pop("alias", None)):
            if isinstance(alias, str) and alias.strip():
                redirects.append(urlsplit(alias.strip()).path or alias.strip())
        fields["byline"] = authors.take(front, meta, self.default_author, warnings)
        fields.update(_audio(front, meta, warnings))
        images = ImageImport(slug, source.base_dir, self.site_roots)
        body = _strip(source.body)
        if model is ArticleAnalysis:
            fields.update(_source_fields(front, meta, warnings))
            summary, critique = analysis.split(body)
            fields["summary"], kept = import_text(summary, images)
            fields["analysis"], more = import_text(critique, images)
            kept += more
            if not fields["source_title"]:
                fields["source_title"] = analysis.source_title(fields["title"])
        else:
            fields["body"], kept = import_text(body, images)
        if "range" in kept and publish_at is None:
            raise Skip("not a post", "a list page built by a template loop ({{range}})")
        warnings += _report_body(kept, images)
        meta.update({str(key): jsonable(value) for key, value in front.items()})
        fields["metadata"] = meta
        plan = Plan(source, model, slug, fields, tags, redirects, images, warnings)
        plan.dated = publish_at is not None
        if not plan.dated and not draft:
            warnings.append(("no date", "published and dated now"))
        return plan

    def _dates(self, source, front, meta):
        date = front.pop("date", None)
        _key, publish = _pop_first(front, PUBLISH_KEYS)
        try:
            when = parse_datetime(date) if date is not None else None
            publish_at = parse_datetime(publish) if publish is not None else when
        except ValueError as error:
            raise Skip("bad date", str(error)) from error
        if when is not None and publish_at != when:
            meta["date"] = jsonable(date)  # the content's own date, when it differs
        if publish_at is None and source.file_date:
            publish_at = parse_datetime(source.file_date)
        return publish_at

    def _draft(self, source, front):
        draft = source.draft
        if "draft" in front:
            try:
                draft = parse_bool(front.pop("draft"))
            except ValueError as error:
                raise Skip("bad front matter", f"draft: {error}") from error
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
    if len(slug) > 200:
        raise Skip("bad slug", f"“{slug[:40]}…” is longer than 200 characters")
    if url_path and normalise(url_path).rstrip("/") == f"/{slug}":
        url_path = None
    return slug, url_path, redirects


def _tags(front, warnings):
    names, seen = [], set()
    for key in TAG_KEYS:
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


def _valid_url(value):
    if not isinstance(value, str):
        return False
    try:
        _is_url(value.strip())
    except ValidationError:
        return False
    return True


def _report_body(kept, images):
    warnings = []
    if images.missing:
        listed = ", ".join(images.missing)
        warnings.append(("missing image", f"{len(images.missing)}, links kept: {listed}"))
    warnings += [("image not copied", reason) for reason in images.refused]
    if kept:
        counts = Counter(kept)
        names = ", ".join(f"{name} ×{n}" if n > 1 else name for name, n in counts.items())
        warnings.append(("template directive kept as code", names))
    return warnings
