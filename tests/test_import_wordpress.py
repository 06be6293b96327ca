"""``import_wordpress``: a hand-written WXR export (tests/fixtures/wordpress/) in, posts,
pages, images and old addresses out; and WordPress's ``/?p=ID`` redirects in core."""

from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from core.models import Redirect
from core.publishing import Status
from core.redirects import add_redirect, normalise
from essays.models import ArticleAnalysis, DevReflection, Essay, Writing
from images.models import Image
from pages.models import Page
from transfer.models import ImportRecord
from transfer.wordpress_content import convert

EXPORT = Path(__file__).parent / "fixtures" / "wordpress" / "export.xml"
ZONE = "America/New_York"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("site_zone")]


@pytest.fixture
def site_zone():
    with override_settings(TIME_ZONE=ZONE):
        yield


def run(path=EXPORT):
    out = StringIO()
    call_command("import_wordpress", str(path), stdout=out)
    return out.getvalue()


@pytest.fixture
def output():
    return run()


def test_every_post_page_and_draft_is_imported_as_its_type(output):
    assert Essay.objects.get(slug="hello-world").status == Status.PUBLISHED
    assert Essay.objects.get(slug="classic-shortcodes").title == "Classic & Shortcodes"
    assert ArticleAnalysis.objects.get(slug="reading-the-memo").analysis.startswith("<p>What")
    assert DevReflection.objects.get(slug="shipping-on-a-friday").title == "Shipping on a Friday"
    page = Page.objects.get(slug="about-me")
    assert page.status == Status.PUBLISHED and "I write about work." in page.body_html
    draft = Essay.objects.get(slug="half-an-idea")  # no post_name: slug from the title
    assert draft.status == Status.DRAFT
    assert not Writing.objects.filter(title="Binned").exists()
    assert Writing.objects.count() == 7


def test_scheduled_and_private_posts(output):
    future = Essay.objects.get(slug="from-the-future")
    assert future.status == Status.PUBLISHED
    assert future.publish_at == datetime(2099, 1, 1, 12, tzinfo=UTC)
    assert future.pk in Writing.objects.scheduled().values_list("pk", flat=True)
    private = Essay.objects.get(slug="just-for-me")
    assert private.status == Status.DRAFT
    assert "Private posts imported as drafts (1):\n  post 18" in output


def test_dates_are_in_the_site_time_zone(output):
    # The GMT date when there is one...
    assert Essay.objects.get(slug="hello-world").publish_at == datetime(
        2019, 3, 5, 14, 30, tzinfo=UTC
    )
    # ...else (a draft's zeros) the local date, read in the site's zone (EST, UTC-5).
    assert Essay.objects.get(slug="half-an-idea").publish_at == datetime(
        2020, 1, 10, 13, tzinfo=UTC
    )


def test_authors_tags_and_excerpt(output):
    hello = Essay.objects.get(slug="hello-world")
    assert hello.byline == ""  # the site's own author shows no byline
    assert hello.metadata["wordpress"]["author"] == "paul"
    assert sorted(tag.name for tag in hello.tags.all()) == ["AI", "Essays"]
    assert hello.description == "A short greeting & more."
    classic = Essay.objects.get(slug="classic-shortcodes")
    assert classic.byline == "Jane Guest"
    assert [tag.name for tag in classic.tags.all()] == ["Work"]  # not "Uncategorized"


def test_featured_image_and_attachments_go_to_the_library(output):
    image = Image.objects.get()
    assert image.alt == "An orange square"
    assert "/wordpress-20-photo" in image.file.name
    hello = Essay.objects.get(slug="hello-world")
    assert hello.metadata["wordpress"]["featured_image"] == image.file.url
    # The resized copy in the body points at the library image.
    assert f'src="{image.file.url}"' in hello.body
    assert "example.com/wp-content" not in hello.body
    # The attachment that is not here is reported, not downloaded.
    assert "https://example.com/wp-content/uploads/2019/03/gone.jpg" in output
    assert "not available locally" in output


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/?p=12", "/hello-world/"),
        ("/2019/03/05/hello-world/", "/hello-world/"),
        ("/2019/03/hello-world/", "/hello-world/"),
        ("/2019/03/05/hello-world", "/hello-world/"),
        ("/?p=13", "/classic-shortcodes/"),
        ("/2019/04/classic-shortcodes/", "/classic-shortcodes/"),
        ("/2019/04/01/classic-shortcodes/", "/classic-shortcodes/"),
        ("/?p=14", "/reading-the-memo/"),
        ("/2019/05/02/reading-the-memo/", "/reading-the-memo/"),
        ("/?p=15", "/shipping-on-a-friday/"),
        ("/?page_id=30", "/about-me/"),
        ("/?p=30", "/about-me/"),
    ],
)
def test_every_old_address_is_one_301_to_the_post(client, output, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new
    assert client.get(new).status_code == 200


def test_unpublished_posts_get_no_old_addresses(client, output):
    assert not Redirect.objects.filter(old_path__in=["/?p=16", "/?p=18"]).exists()
    assert client.get("/?p=18").status_code == 200  # the home page, as before
    assert client.get("/2019/07/01/just-for-me/").status_code == 404


def test_block_comments_go_and_the_html_stays(output):
    hello = Essay.objects.get(slug="hello-world")
    assert "wp:" not in hello.body and "<!--" not in hello.body
    assert "<h2>A subhead</h2>" in hello.body
    assert "<em>emphasis</em>" in hello.body_html
    assert "<h2" in hello.body_html and "<figure" in hello.body_html


def test_classic_text_gets_paragraphs_and_shortcodes_are_converted_or_reported(output):
    classic = Essay.objects.get(slug="classic-shortcodes")
    assert "<p>First line of the first paragraph,<br>\nsecond line of it.</p>" in classic.body
    assert "<p>Second paragraph.</p>" in classic.body
    assert "<figcaption>An orange square, captioned</figcaption>" in classic.body_html
    assert "[caption" not in classic.body
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in classic.body_html
    assert '[gallery ids="20,21" columns="2"]' in classic.body
    assert "[audio src=" in classic.body
    assert "post 13: shortcodes kept as they are: audio, gallery" in output


def test_other_types_and_statuses_are_counted(output):
    assert "Skipped: nav_menu_item 1, post (trash) 1, product 1, revision 1." in output


def test_running_it_again_duplicates_nothing_and_keeps_edits(output):
    counts = (Writing.objects.count(), Page.objects.count(), Image.objects.count())
    redirects = Redirect.objects.count()
    hello = Essay.objects.get(slug="hello-world")
    hello.title = "Hello, edited"
    hello.save()
    again = run()
    assert (Writing.objects.count(), Page.objects.count(), Image.objects.count()) == counts
    assert Redirect.objects.count() == redirects
    assert Essay.objects.get(slug="hello-world").title == "Hello, edited"
    assert "post 12: edited here since: title" in again
    assert "0 created, 0 updated, 7 unchanged, 1 left alone, 0 images, 0 new redirects" in again
    assert ImportRecord.objects.filter(source="wordpress:12").count() == 1


def test_an_unedited_post_follows_the_export(tmp_path, output):
    changed = EXPORT.read_text().replace("What the memo gets right.", "What it gets wrong.")
    (tmp_path / "export.xml").write_text(changed)
    result = run(tmp_path / "export.xml")
    assert (
        ArticleAnalysis.objects.get(slug="reading-the-memo").analysis
        == "<p>What it gets wrong.</p>"
    )
    assert "1 updated" in result


def test_a_post_deleted_here_stays_deleted(output):
    Writing.objects.get(slug="shipping-on-a-friday").delete()
    again = run()
    assert not Writing.objects.filter(slug="shipping-on-a-friday").exists()
    assert "post 15: deleted here since the last import" in again


def test_a_page_deleted_here_stays_deleted(output):
    Page.objects.get(slug="about-me").delete()
    again = run()
    assert not Page.objects.filter(slug="about-me").exists()
    assert "page 30: deleted here since the last import" in again


@pytest.mark.parametrize(
    "text",
    [
        "<rss><channel><item><title>Unclosed</channel></rss>",
        "not xml at all",
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><rss><channel/></rss>',
        "<html><body>Not an export</body></html>",
    ],
)
def test_a_bad_file_is_a_clear_command_error(tmp_path, text):
    path = tmp_path / "export.xml"
    path.write_text(text)
    with pytest.raises(CommandError, match="cannot be imported"):
        run(path)
    assert not Writing.objects.exists()


def test_a_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="is not a file"):
        run(tmp_path / "nope.xml")


def test_a_file_url_outside_the_exports_folder_is_not_read(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    inside = folder / "inside.png"
    inside.write_bytes((EXPORT.parent / "photo.png").read_bytes())
    outside = tmp_path / "outside.png"
    outside.write_bytes(inside.read_bytes())
    items = "".join(
        f"""<item><title>{n}</title><wp:post_id>{n}</wp:post_id>
        <wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>
        <wp:attachment_url>{path.as_uri()}</wp:attachment_url></item>"""
        for n, path in ((1, inside), (2, outside))
    )
    (folder / "export.xml").write_text(
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>' + items + "</channel></rss>"
    )
    output = run(folder / "export.xml")
    assert Image.objects.count() == 1
    assert f"attachment 2: {outside.as_uri()}" in output


def test_convert_keeps_plain_text_without_shortcodes():
    body, kept = convert("See [1] and [sic].\n\nDone.")
    assert body == "<p>See [1] and [sic].</p>\n\n<p>Done.</p>"
    assert kept == []


class TestWordPressQueryRedirects:
    """core: /?p=ID and /?page_id=ID are the home page with a query; the middleware
    answers them when a redirect is stored for them, and nothing else changes."""

    def test_normalise_keeps_only_wordpress_queries(self):
        assert normalise("/?p=12") == "/?p=12"
        assert normalise("/?page_id=7#top") == "/?page_id=7"
        assert normalise("/?s=search") == "/"
        assert normalise("/old/?p=12") == "/old/"
        assert normalise("/?p=12&x=1") == "/"

    def test_the_middleware_answers_a_stored_query(self, client):
        add_redirect("/?p=12", "/hello/")
        assert client.get("/?p=12")["Location"] == "/hello/"
        assert client.get("/?p=12").status_code == 301
        assert client.get("/?p=12&utm_source=feed")["Location"] == "/hello/"
        assert client.get("/?p=13").status_code == 200  # no redirect: the home page
        assert client.get("/?p=12&page_id=3").status_code == 200  # ambiguous: not matched
        assert client.get("/?p=abc").status_code == 200
        assert client.get("/blog/?p=12").status_code == 200


# Links between posts ------------------------------------------------------------------


def test_links_between_items_point_at_their_new_urls(output):
    hello = Essay.objects.get(slug="hello-world")
    # A later item's permalink, /?p=ID on http and www., a relative /?page_id=ID#part.
    assert '<a href="/reading-the-memo/">the memo</a>' in hello.body
    assert '<a href="/shipping-on-a-friday/">Friday</a>' in hello.body
    assert "<a href='/about-me/#bio'>about me</a>" in hello.body
    # Another host, an item not in the export, a place in the page: as they were.
    assert 'href="https://other.example.org/2019/05/02/reading-the-memo/"' in hello.body
    assert 'href="https://example.com/2018/01/01/not-in-this-export/"' in hello.body
    assert 'href="#top"' in hello.body
    classic = Essay.objects.get(slug="classic-shortcodes")
    # A path relative to the post's own permalink, and the short date permalink.
    assert '<a href="/shipping-on-a-friday/">Friday</a>' in classic.body
    assert '<a href="/hello-world/">the greeting</a>' in classic.body
    page = Page.objects.get(slug="about-me")
    assert '<a href="/classic-shortcodes/">the classic post</a>' in page.body
    assert 'href="/classic-shortcodes/"' in page.body_html
    assert ", 6 links rewritten," in output.splitlines()[0]


def test_rewritten_links_leave_a_rerun_unchanged(output):
    again = run()
    assert "0 created, 0 updated, 8 unchanged, 0 left alone" in again
    assert ", 0 links rewritten," in again


def _export(tmp_path, items, link="https://blog.example.net/journal"):
    """A small export of (ID, type, slug, body) items, all published."""
    xml = "".join(
        f"""<item><title>{slug}</title><link>{link}/{slug}/</link>
        <content:encoded><![CDATA[{body}]]></content:encoded>
        <wp:post_id>{n}</wp:post_id><wp:post_name>{slug}</wp:post_name>
        <wp:post_date>2020-02-03 10:00:00</wp:post_date>
        <wp:post_date_gmt>2020-02-03 15:00:00</wp:post_date_gmt>
        <wp:status>publish</wp:status><wp:post_type>{kind}</wp:post_type></item>"""
        for n, kind, slug, body in items
    )
    path = tmp_path / "export.xml"
    path.write_text(
        '<rss xmlns:wp="http://wordpress.org/export/1.2/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<link>{link}</link><wp:base_blog_url>{link}</wp:base_blog_url>"
        f"{xml}</channel></rss>"
    )
    return path


def test_a_link_to_an_item_whose_slug_clashed_is_corrected_in_a_second_pass(tmp_path):
    # "search" is a page of the site: the post becomes /search-2/ only when it is saved,
    # after the post linking to it was written with /search/.
    path = _export(
        tmp_path,
        [
            (1, "post", "first", '<p><a href="https://blog.example.net/journal/search/">s</a></p>'),
            (2, "post", "search", '<p><a href="/journal/?p=1">back</a></p>'),
        ],
    )
    result = run(path)
    assert '<a href="/search-2/">s</a>' in Essay.objects.get(slug="first").body
    assert '<a href="/first/">back</a>' in Essay.objects.get(slug="search-2").body
    assert ", 2 links rewritten," in result
    # The record follows the corrected body: running again changes nothing.
    assert "0 updated, 2 unchanged" in run(path)


def test_links_outside_the_blogs_folder_or_with_other_queries_stay(tmp_path):
    body = (
        '<p><a href="/?p=1">root</a> <a href="/journal/?p=1&amp;x=2">query</a> '
        '<a href="mailto:a@b.c">mail</a> <a href="https://blog.example.net:8080/journal/?p=1">'
        'port</a> <a href="/journal/?p=1">ok</a></p>'
    )
    run(_export(tmp_path, [(1, "post", "only", body)]))
    stored = Essay.objects.get(slug="only").body
    assert stored.count('href="/only/"') == 1
    assert 'href="/?p=1"' in stored and 'href="/journal/?p=1&amp;x=2"' in stored


def test_hostile_bodies_cost_linear_time():
    from time import perf_counter

    from transfer.wordpress_links import Links
    from transfer.wordpress_wxr import Item

    links = Links(["https://example.com"])
    links.add(Item(id=1, type="post", status="publish", slug="a", link="https://example.com/a/"))
    for body in ('href="' + "a" * 200_000, "href=" * 100_000, ("<a href='" + "x" * 1999) * 100):
        started = perf_counter()
        assert links.rewrite(body, "https://example.com/b/", {1: "/a/"}) == (body, 0)
        assert perf_counter() - started < 1


# --dry-run, --force, --restore-deleted ------------------------------------------------


def _media_files(folder=""):
    from django.core.files.storage import default_storage

    if folder and not default_storage.exists(folder):
        return set()
    folders, files = default_storage.listdir(folder)
    found = {f"{folder}{name}" for name in files}
    for name in folders:
        found |= _media_files(f"{folder}{name}/")
    return found


def _counts():
    from editorial.models import Revision

    models = (Writing, Page, Image, Redirect, ImportRecord, Revision)
    return [model.objects.count() for model in models]


def test_a_dry_run_reports_what_a_real_run_does_and_writes_nothing():
    files = _media_files()
    dry = call("--dry-run")
    assert _counts() == [0, 0, 0, 0, 0, 0]
    assert _media_files() == files
    first, *rest = dry.splitlines()
    assert first.startswith("Dry run, nothing saved; from WordPress: 8 created, ")
    assert "Images that would be added to the library (1):" in dry
    assert "attachment 20: /media/images/" in dry and "/wordpress-20-photo" in dry
    real = run()
    # The same counts, line for line, but for the first words and the would-be images.
    assert first.split(": ", 1)[1] == real.splitlines()[0].split(": ", 1)[1]
    assert "1 images, 17 new redirects, 6 links rewritten" in first
    assert [
        line for line in rest if "would be added" not in line and "attachment 20" not in line
    ] == (real.splitlines()[1:])


def test_a_dry_run_over_an_earlier_import_reports_forced_and_restored_and_keeps_all(output):
    hello = Essay.objects.get(slug="hello-world")
    hello.title = "Hello, edited"
    hello.save()
    Writing.objects.get(slug="shipping-on-a-friday").delete()
    counts = _counts()
    dry = call("--dry-run", "--force", "--restore-deleted")
    assert _counts() == counts
    assert Essay.objects.get(slug="hello-world").title == "Hello, edited"
    assert dry.startswith("Dry run, nothing saved; from WordPress: 1 created, 1 updated,")
    assert "Overwritten (--force), a revision keeps what was here (1):\n  post 12" in dry
    assert "Restored (--restore-deleted) (1):\n  post 15" in dry


def call(*args, path=EXPORT):
    out = StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out)
    return out.getvalue()


def test_force_overwrites_an_edited_post_keeping_a_revision(output):
    from editorial.models import Revision

    hello = Essay.objects.get(slug="hello-world")
    hello.title = "Hello, edited"
    hello.save()
    assert "post 12: edited here since: title; --force overwrites" in run()
    forced = call("--force")
    hello = Essay.objects.get(slug="hello-world")
    assert hello.title == "Hello World"
    kept = Revision.objects.filter(object_id=hello.pk, note="Before a forced import").get()
    assert kept.data["title"] == "Hello, edited"
    assert "1 updated," in forced
    assert "Overwritten (--force), a revision keeps what was here (1):\n  post 12\n" in forced
    # What it wrote is what the export says: the next run leaves it unchanged.
    assert "0 updated, 8 unchanged, 0 left alone" in run()


def test_a_page_is_overwritten_only_with_force_and_only_if_this_import_made_it(output):
    from editorial.models import Revision

    page = Page.objects.get(slug="about-me")
    page.body = "Edited here."
    page.save()
    assert "page 30: /about-me/ differs from the export; --force overwrites" in run()
    assert Page.objects.get(slug="about-me").body == "Edited here."
    forced = call("--force")
    page = Page.objects.get(slug="about-me")
    assert "I write about work." in page.body
    kept = Revision.objects.get(object_id=page.pk, note="Before a forced import")
    assert kept.data["body"] == "Edited here."
    assert "Overwritten (--force), a revision keeps what was here (1):\n  page 30" in forced


def test_force_never_overwrites_what_this_import_did_not_make():
    Page.objects.create(slug="about-me", title="About", body="My own page.")
    Essay.objects.create(slug="hello-world", title="Mine", body="My own post.")
    forced = call("--force")
    assert Page.objects.get(slug="about-me").body == "My own page."
    assert Essay.objects.get(slug="hello-world").body == "My own post."
    assert "page 30: the page /about-me/ is already here, not from this import" in forced
    assert "post 12: /hello-world/ is already here, not from this import" in forced
    assert "Overwritten" not in forced


def test_restore_deleted_makes_a_deleted_post_again_and_repoints_its_record(client, output):
    Writing.objects.get(slug="shipping-on-a-friday").delete()
    assert ImportRecord.objects.get(source="wordpress:15").post is None
    restored = call("--restore-deleted")
    post = Writing.objects.get(slug="shipping-on-a-friday")
    assert ImportRecord.objects.get(source="wordpress:15").post == post
    assert "1 created," in restored
    assert "Restored (--restore-deleted) (1):\n  post 15" in restored
    assert client.get("/?p=15")["Location"] == "/shipping-on-a-friday/"
    assert "0 created, 0 updated, 8 unchanged" in call("--restore-deleted")


def test_restore_deleted_brings_back_a_deleted_page_but_not_a_renamed_one(output):
    Page.objects.get(slug="about-me").delete()
    assert "Restored (--restore-deleted) (1):\n  page 30" in call("--restore-deleted")
    page = Page.objects.get(slug="about-me")
    page.slug = "about"
    page.save()  # a published page renamed: its old address redirects
    again = call("--restore-deleted")
    assert not Page.objects.filter(slug="about-me").exists()
    assert "page 30: moved here to /about/, not deleted: not restored" in again


def test_the_help_names_the_options():
    from transfer.management.commands.import_wordpress import Command

    text = " ".join(Command().create_parser("manage.py", "import_wordpress").format_help().split())
    for option in ("--dry-run", "--force", "--restore-deleted"):
        assert option in text
    assert "Pages already here are never overwritten, unless --force" in text
