"""The importer's first pass: where every file goes, before any is saved.

Every file is read once to learn the slug it asks for and the URL Hugo gave it
(``hugo_urls``). A post keeps that URL, nested or not (``/work-logs/authexis/2026-02-01/``),
as its slug, unless it cannot be an address here; then it asks for the slug its front
matter or file name gives. Then slugs are settled across the whole import, never by
dropping a file:
- two files asking for one slug: the one already living at ``/<slug>/`` keeps it (else the
  first found); the others take their folders as a prefix (``notes-tips``, then
  ``blog-notes-tips``) when the slug is one part, or a number (``essays/astime-2``);
- a slug that is a page of the site (``search``) gets a number (``search-2``).
Each change is reported. The result gives each file an ``Address``: its slug, the old
paths to redirect to it, and a relinker that points links between posts at their new URLs.
A section's ``_index.md`` gives the redirects of its aliases (and of its own address, when
nothing lives there now).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.urls import Resolver404, resolve, reverse
from django.utils.text import slugify

from core.redirects import normalise
from core.validators import ROOT_VIEW_NAME, is_site_route, root_slug_in_use, validate_path_slug

from . import frontmatter, hugo_urls
from .errors import Skip
from .mapper import Address
from .values import as_list

MAX_SLUG = 200


@dataclass
class Plan:
    addresses: dict = field(default_factory=dict)  # report path -> Address
    links: hugo_urls.Links | None = None
    sections: list = field(default_factory=list)  # (report path, old path, target)


def plan(found, top, site_root, mapper):
    config = hugo_urls.load_config(site_root)
    links = hugo_urls.Links(config)
    result = Plan(links=links)
    posts, stubs, sections = [], [], []
    for source in found:
        if source.skip:
            if source.path.name == "_index.md":
                sections.append(source)
            continue
        try:
            wanted, target = mapper.wanted_slug(source.read())
        except Exception:  # noqa: BLE001  (reported when the file is imported)
            continue
        (posts if wanted is not None else stubs).append((source, wanted, target))
    if not config.found:
        names = {source.slug for source, _w, _t in posts if not source.folders}
        targets = [target for _s, _w, target in stubs if isinstance(target, str)]
        config.base = hugo_urls.guess_base(targets, names)

    def old_paths(source):
        if any(part.startswith("_") for part in source.folders):  # Jekyll's _posts, _drafts
            return []
        page = hugo_urls.Page.of(source.path, top, source.front)
        return hugo_urls.addresses(config, page)

    settled = []
    for source, wanted, _t in posts:
        paths = old_paths(source)
        settled.append((source, _hugo_slug(paths) or wanted, paths))
    chosen = _settle(settled)
    for source, slug, paths, warnings in chosen:
        rel_file = source.path.relative_to(top).as_posix()
        aliases = [
            normalise(alias)
            for alias in as_list(source.front.get("aliases"))
            if isinstance(alias, str)
        ]
        new_url = reverse(ROOT_VIEW_NAME, kwargs={"slug": slug})
        links.add(rel_file, paths[0] if paths else new_url, paths[1:] + aliases, new_url)
        result.addresses[source.rel] = Address(
            slug, paths, links.relinker(rel_file, source.rel), warnings
        )
    for source, _wanted, target in stubs:
        paths = old_paths(source)
        result.addresses[source.rel] = Address(None, paths)
        new = links.target(normalise(target)) if isinstance(target, str) else None
        if new is not None and paths:
            links.add(source.path.relative_to(top).as_posix(), paths[0], paths[1:], new)
    for source in sections:
        result.sections += _section(source, top, config)
    return result


def _hugo_slug(paths):
    """The post's Hugo URL as its slug (``work-logs/authexis/2026-02-01``), so that it keeps
    the very address Hugo gave it; None when that URL cannot be an address here (a site
    route such as ``/search/``, or ``/2015/03/post.html``): the slug it asks for then
    stands, and the Hugo URL redirects to it."""
    if not paths:
        return None
    path = normalise(paths[0])
    slug = path.strip("/")
    if not slug or not path.endswith("/") or len(slug) > MAX_SLUG:
        return None
    try:
        validate_path_slug(slug)
    except ValidationError:
        return None
    return None if is_site_route(slug) else slug


def _settle(posts):
    """[(source, slug, old paths, warnings)]: a distinct slug for every post."""
    wanted_all = {wanted for _s, wanted, _p in posts}
    # A file already served at /<slug>/ keeps it; then the order they were found in.
    order = sorted(
        range(len(posts)),
        key=lambda i: (f"/{posts[i][1]}/" not in {normalise(p) for p in posts[i][2]}, i),
    )
    taken, chosen = {}, [None] * len(posts)
    for index in order:
        source, wanted, paths = posts[index]
        warnings = []
        slug = wanted
        if wanted in taken or is_site_route(wanted):
            if wanted in taken and "/" not in wanted:
                folders = [slugify(part) for part in source.folders if slugify(part)]
                candidates = ["-".join([*folders[-n:], wanted]) for n in range(1, len(folders) + 1)]
            else:
                candidates = []
            candidates += [f"{wanted}-{n}" for n in range(2, 10000)]
            slug = next(
                c
                for c in candidates
                if len(c) <= MAX_SLUG
                and c not in taken
                and c not in wanted_all
                and not is_site_route(c)
            )
            if wanted in taken:
                detail = f"/{wanted}/ is also {taken[wanted]}; this one is /{slug}/"
                warnings.append(("slug clash", detail))
            else:
                detail = f"/{wanted}/ is a page of the site; this post is /{slug}/"
                warnings.append(("slug renamed", detail))
        taken[slug] = source.rel
        chosen[index] = (source, slug, paths, warnings)
    return chosen


def _section(source, top, config):
    """[(report path, old path, target)] for a section's _index.md: its aliases, its address."""
    try:
        front, _body = frontmatter.split(source.path.read_text(encoding="utf-8-sig"))
    except (Skip, UnicodeDecodeError, OSError):
        return []
    page = hugo_urls.Page.of(source.path, top, front)
    url = hugo_urls.page_url(config, page)
    aliases = [
        normalise(a) for a in as_list(front.get("aliases")) if isinstance(a, str) and a.strip()
    ]
    if _live(url):
        return [(source.rel, alias, url) for alias in aliases]
    target = reverse("essays:blog")
    return [(source.rel, path, target) for path in [url, *aliases]]


def _live(path):
    """Whether something answers at ``path`` here."""
    try:
        match = resolve(path)
    except Resolver404:
        return False
    if match.view_name == ROOT_VIEW_NAME:
        return root_slug_in_use(match.kwargs["slug"])
    return True
