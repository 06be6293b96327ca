"""Every old URL keeps working after an import: Hugo's addresses, aliases, clashes, links."""

import tempfile
import textwrap
from datetime import date
from pathlib import Path

import pytest
from django.test import TestCase

from core.models import Redirect
from essays.models import Essay, Writing
from transfer import frontmatter
from transfer.body import import_text
from transfer.hugo_urls import HugoConfig, Links, Page, guess_base, load_config, page_url
from transfer.importer import Importer

from .test_import_export import GO_BLOG, GoBlogSlice, fresh_storage

# ---- hugo_urls, alone -------------------------------------------------------------------


def url(front=None, path="posts/my-post.md", **config):
    parts = Path(path)
    top = Path("/site/content")
    return page_url(HugoConfig(**config), Page.of(top / parts, top, front or {}))


def test_the_content_path_gives_the_url_lower_cased():
    assert url() == "/posts/my-post/"
    assert url(path="About Me.md") == "/about-me/"
    assert url(path="posts/AsTime.md") == "/posts/astime/"
    assert url(path="posts/AsTime.md", lower=False) == "/posts/AsTime/"
    assert url(path="work-logs/authexis/2026-02-01.md") == "/work-logs/authexis/2026-02-01/"
    assert url(path="posts/go1.1.md") == "/posts/go1.1/"


def test_bundles_sections_slug_and_url():
    assert url(path="posts/a-bundle/index.md") == "/posts/a-bundle/"
    assert url(path="posts/_index.md") == "/posts/"
    assert url(path="_index.md") == "/"
    assert url({"slug": "Other"}) == "/posts/other/"
    assert url({"url": "/Custom/Place/", "slug": "x"}) == "/Custom/Place/"  # as written
    assert url({"url": "custom"}) == "/custom"


def test_permalink_patterns():
    front = {"title": "Hello, World!", "date": date(2024, 3, 5), "slug": "hi"}
    patterns = {
        "/:year/:month/:day/:slug/": "/2024/03/05/hi/",
        "/:year/:title/": "/2024/hello-world/",
        "/:section/:filename/": "/posts/my-post/",
        "/:sections/:contentbasename/": "/posts/my-post/",
        "/:slugorfilename/": "/hi/",
        "/:monthname/:yearday/": "/march/65/",
        "/:year/:slug.html": "/2024/hi.html",
    }
    for pattern, expected in patterns.items():
        assert url(front, permalinks={"posts": pattern}) == expected, pattern
    # No slug: :slug falls back to the title, :slugorfilename to the file.
    assert url({"title": "Big News"}, permalinks={"posts": "/:slug/"}) == "/big-news/"
    assert url({"title": "Big News"}, permalinks={"posts": "/:slugorfilename/"}) == "/my-post/"
    assert url({}, permalinks={"posts": "/:slug/"}) == "/my-post/"  # no title either
    # Other sections keep the default.
    assert url(path="notes/n.md", permalinks={"posts": "/:slug/"}) == "/notes/n/"


def test_base_path_and_ugly_urls():
    assert url(base="/blog/") == "/blog/posts/my-post/"
    assert url(ugly=True) == "/posts/my-post.html"


def test_config_files_are_read(tmp_path):
    (tmp_path / "hugo.toml").write_text(
        'baseURL = "https://Example.org/site/"\ndisablePathToLower = true\n'
        '[permalinks]\n  posts = "/:year/:slug/"\n[permalinks.section]\n  posts = "/all/"\n'
    )
    config = load_config(tmp_path)
    assert (config.base, config.lower, config.hosts) == ("/site/", False, {"example.org"})
    assert config.permalinks == {"posts": "/:year/:slug/"}
    assert config.section_permalinks == {"posts": "/all/"}
    yaml_site = tmp_path / "y"
    (yaml_site / "config" / "_default").mkdir(parents=True)
    (yaml_site / "config" / "_default" / "permalinks.yaml").write_text("page:\n  posts: /:slug/\n")
    assert load_config(yaml_site).permalinks == {"posts": "/:slug/"}
    assert not load_config(tmp_path / "none").found


def test_the_base_path_is_read_from_redirect_pages():
    names = {"go1.1", "cgo", "json"}
    assert guess_base(["/blog/go1.1", "/blog/cgo/", "https://x.org/y"], names) == "/blog/"
    assert guess_base(["/go1.1/", "/elsewhere/x"], names) == "/"
    assert guess_base([], names) == "/"


def test_links_resolve_absolute_relative_and_file_links():
    links = Links(HugoConfig(hosts=frozenset({"example.org"})))
    links.add("posts/a.md", "/posts/a/", ["/old-a/"], "/a/")
    links.add("posts/b/index.md", "/posts/b/", [], "/b-2/")
    relink = links.relinker("posts/a.md", "content/posts/a.md")
    assert relink("/posts/b/", False) == "/b-2/"
    assert relink("/posts/b", False) == "/b-2/"
    assert relink("/Old-A/#x", False) == "/a/#x"
    assert relink("../b/", False) == "/b-2/"
    assert relink("b/index.md", False) == "/b-2/"
    assert relink("posts/b/index.md", False) == "/b-2/"  # from the top, as Hugo's ref
    assert relink("/posts/b/index.md", False) == "/b-2/"
    assert relink("https://example.org/posts/b/", False) == "/b-2/"
    assert relink("https://elsewhere.org/posts/b/", False) is None
    assert relink("/posts/b/", True) is None  # an image is never a post
    assert relink("/unknown/", False) is None
    assert links.counts["content/posts/a.md"] == 8


# ---- a whole Hugo site --------------------------------------------------------------------

SITE = {
    "hugo.toml": """
        baseURL = "https://example.org/"
        [permalinks]
          posts = "/:year/:month/:slug/"
          notes = "/:slugorfilename/"
    """,
    "content/_index.md": "---\ntitle: Home\naliases: [/home-old/]\n---\n",
    "content/posts/_index.md": "---\ntitle: Posts\naliases: [/articles/]\n---\n",
    "content/posts/First-Post.md": """
        ---
        title: First Post
        date: 2024-03-05
        aliases: [/old/first/, /First.html]
        ---
        Hello.
    """,
    "content/posts/search.md": """
        ---
        title: Search tips
        date: 2024-01-02
        ---
        How to search.
    """,
    "content/posts/with-slug.md": """
        ---
        title: With a slug
        slug: Custom-Slug
        date: 2024-02-03
        ---
        Slugged.
    """,
    "content/work-logs/authexis/2026-02-01.md": (
        "---\ntitle: Authexis log\ndate: 2026-02-01\n---\nA.\n"
    ),
    "content/work-logs/paulos/2026-02-01.md": "---\ntitle: Paulos log\ndate: 2026-02-01\n---\nP.\n",
    "content/syntheses/_index.md": "---\ntitle: Syntheses\naliases: [/daily/]\n---\n",
    "content/syntheses/2026-02-01.md": "---\ntitle: Synthesis\ndate: 2026-02-01\n---\nS.\n",
    "content/essays/AsTime.md": "---\ntitle: As time goes\ndate: 2023-01-01\n---\nT.\n",
    # Hugo gives both /essays/astime/: one keeps it.
    "content/essays/astime.md": "---\ntitle: Astime again\ndate: 2023-01-04\n---\nA.\n",
    "content/search.md": "---\ntitle: Search\ndate: 2024-01-03\n---\nAt the root.\n",
    "content/tips.md": "---\ntitle: Tips\ndate: 2024-01-04\n---\nRoot tips.\n",
    "content/notes/tips.md": "---\ntitle: Note tips\ndate: 2024-01-05\n---\nNote tips.\n",
    "content/essays/placed/index.md": """
        ---
        title: Placed
        url: /custom/place/
        date: 2023-01-02
        ---
        P.
    """,
    "content/essays/linker.md": """
        ---
        title: Linker
        date: 2023-01-03
        ---
        See [first](/2024/03/first-post/), [the synthesis](../../syntheses/2026-02-01/),
        [time](AsTime.md), [paulos](/work-logs/paulos/2026-02-01#risks),
        [absolute](https://example.org/essays/astime/), [elsewhere](https://other.org/x),
        [alias](/old/first/) and [nothing](/no/such/page/).
        By shortcode: [ref]({{< ref "posts/First-Post.md" >}}),
        [relref]({{< relref "AsTime.md#top" >}}), [lost]({{< ref "lost.md" >}}).

        ```
        [in code](/2024/03/first-post/)
        ```
    """,
}

# Every old address -> the URL of the post (or page) it should land on: the same one when
# the post keeps the address Hugo gave it.
EXPECTED = {
    "/2024/03/first-post/": "/2024/03/first-post/",
    "/old/first/": "/2024/03/first-post/",
    "/First.html": "/2024/03/first-post/",
    "/First-Post/": "/2024/03/first-post/",
    "/2024/01/search-tips/": "/2024/01/search-tips/",
    "/2024/02/custom-slug/": "/2024/02/custom-slug/",
    "/Custom-Slug/": "/2024/02/custom-slug/",
    "/syntheses/2026-02-01/": "/syntheses/2026-02-01/",
    "/work-logs/authexis/2026-02-01/": "/work-logs/authexis/2026-02-01/",
    "/work-logs/paulos/2026-02-01/": "/work-logs/paulos/2026-02-01/",
    "/essays/astime/": "/essays/astime/",
    "/AsTime/": "/essays/astime/",
    "/custom/place/": "/custom/place/",
    "/essays/linker/": "/essays/linker/",
    "/tips/": "/tips/",
    "/home-old/": "/",
    "/posts/": "/blog/",
    "/articles/": "/blog/",
    "/daily/": "/blog/",
    "/syntheses/": "/blog/",
}


def write_site(folder, files):
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))


class OldUrlAssertions:
    def assert_lands(self, old, new):
        """``old`` answers 200 (being ``new``) or one 301 to ``new``, which answers 200."""
        response = self.client.get(old)
        if response.status_code == 200:
            self.assertEqual(old.rstrip("/"), new.rstrip("/"))
            return
        self.assertEqual((response.status_code, response.get("Location")), (301, new))
        self.assertEqual(self.client.get(new).status_code, 200)


@fresh_storage()
class HugoSiteUrlTests(OldUrlAssertions, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tmp = Path(cls.enterClassContext(tempfile.TemporaryDirectory()))
        write_site(cls.tmp, SITE)
        cls.report = Importer(cls.tmp).run()

    def test_every_post_is_imported(self):
        # Only the sections' list pages are not posts; their old addresses redirect.
        skipped = {(path, reason) for path, reason, _detail in self.report.skipped}
        self.assertEqual(
            skipped,
            {
                (f"content/{section}_index.md", "not a post")
                for section in ("", "posts/", "syntheses/")
            },
        )
        self.assertEqual(len(self.report.created), 13)

    def test_every_old_url_lands_on_its_post_in_one_hop(self):
        for old, new in EXPECTED.items():
            for form in {old, old.rstrip("/") or "/"}:
                with self.subTest(old=form):
                    self.assert_lands(form, new)

    def test_posts_keep_the_urls_hugo_gave_them_nested_or_not(self):
        for slug, title in (
            ("work-logs/authexis/2026-02-01", "Authexis log"),
            ("work-logs/paulos/2026-02-01", "Paulos log"),
            ("syntheses/2026-02-01", "Synthesis"),
            ("2024/03/first-post", "First Post"),
            ("custom/place", "Placed"),
            ("tips", "Tips"),
        ):
            with self.subTest(slug=slug):
                self.assertContains(self.client.get(f"/{slug}/"), title)
                self.assertEqual(Writing.objects.get(slug=slug).title, title)

    def test_clashes_and_site_routes_are_renamed_and_reported(self):
        slugs = dict(Writing.objects.values_list("title", "slug"))
        self.assertEqual(slugs["As time goes"], "essays/astime")  # the first found keeps it
        self.assertEqual(slugs["Astime again"], "essays/astime-2")
        self.assertEqual(slugs["Note tips"], "notes-tips")  # one part: its folder as a prefix
        self.assertEqual(slugs["Search"], "search-2")
        warnings = {(path, reason) for path, reason, _detail in self.report.warnings}
        self.assertIn(("content/essays/astime.md", "slug clash"), warnings)
        self.assertIn(("content/notes/tips.md", "slug clash"), warnings)
        self.assertIn(("content/search.md", "slug renamed"), warnings)
        self.assertEqual(self.client.get("/search/").status_code, 200)  # still the search page
        self.assertNotContains(self.client.get("/search/"), "At the root.")

    def test_slugs_are_lower_case(self):
        slugs = list(Writing.objects.values_list("slug", flat=True))
        self.assertEqual(slugs, [slug.lower() for slug in slugs])

    def test_links_between_posts_point_at_the_new_urls(self):
        body = Writing.objects.get(slug="essays/linker").specific.body
        for text in (
            "[first](/2024/03/first-post/)",
            "[the synthesis](/syntheses/2026-02-01/)",
            "[time](/essays/astime/)",
            "[paulos](/work-logs/paulos/2026-02-01#risks)",  # its own address, left alone
            "[absolute](/essays/astime/)",
            "[elsewhere](https://other.org/x)",
            "[alias](/2024/03/first-post/)",
            "[nothing](/no/such/page/)",
            "[in code](/2024/03/first-post/)",
            "[ref](/2024/03/first-post/)",
            "[relref](/essays/astime/#top)",
            '[lost]({{< ref "lost.md" >}})',  # kept as it is (hidden from readers), reported
        ):
            self.assertIn(text, body)
        self.assertEqual(self.report.links_rewritten, 6)

    def test_running_again_changes_nothing(self):
        before = sorted(Redirect.objects.values_list("old_path", "new_path"))
        again = Importer(self.tmp).run()
        self.assertEqual((again.created, again.updated), ([], []))
        self.assertEqual(sorted(Redirect.objects.values_list("old_path", "new_path")), before)


# ---- the Go blog --------------------------------------------------------------------------


@pytest.mark.skipif(not GO_BLOG.is_dir(), reason="the Go blog corpus is not here")
@fresh_storage()
class GoBlogUrlTests(OldUrlAssertions, GoBlogSlice, TestCase):
    """Every /blog/<name> of the slice, and every alias, lands on its post."""

    @classmethod
    def setUpTestData(cls):
        cls.report = Importer(cls.folder).run()

    def test_every_blog_url_and_alias_lands_on_its_post(self):
        targets = {rel: new for rel, _old, new, _is_new in self.report.redirects}
        for rel in self.report.created + list(targets):
            stem = Path(rel).stem
            new = targets.get(rel) or f"/blog/{stem.lower()}/"  # Hugo's URL, lower-cased
            front, _body = frontmatter.split((self.folder / rel).read_text())
            aliases = [a for a in front.get("aliases") or [] if isinstance(a, str)]
            for old in [f"/blog/{stem}", f"/blog/{stem}/", *aliases]:
                with self.subTest(old=old):
                    self.assert_lands(old, new)

    def test_links_between_posts_are_rewritten(self):
        self.assertGreater(self.report.links_rewritten, 0)
        self.assertFalse(Essay.objects.filter(body__contains="](/blog/go1.1)").exists())


@pytest.mark.corpus_full
class GoBlogFullUrlTests(GoBlogUrlTests):
    @classmethod
    def corpus(cls):
        return GO_BLOG


def test_a_ref_shortcode_becomes_a_url_only_as_a_link_target():
    def relink(url, embedded):
        return "/a/" if url == "a.md" else None

    assert import_text('[A]({{< ref "a.md" >}}).', relink) == ("[A](/a/).", [])
    text, kept = import_text('See {{< ref "a.md" >}}.', relink)
    assert (text, kept) == ('See {{< ref "a.md" >}}.', ["ref"])  # kept, hidden from readers
