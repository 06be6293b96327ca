"""Hugo's publishing rules on import: expiry, headless and unrendered pages, list and
lastmod, the site's time zone, and every date format Hugo reads."""

from datetime import UTC, datetime, timedelta
from textwrap import dedent
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.publishing import State, Status
from essays.models import Writing
from transfer.exporter import front_matter
from transfer.importer import Importer
from transfer.values import parse_datetime

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def berlin(*args):
    return datetime(*args, tzinfo=BERLIN)


# Go's layouts as spf13/cast (and so Hugo) reads them, and the spellings authors use.
# Without an offset, a time is a wall time in the site's zone (here Berlin); a zone *name*
# is ignored as Hugo ignores it, a numeric offset is kept.
FORMATS = [
    ("2006-01-02T15:04:05Z", datetime(2006, 1, 2, 15, 4, 5, tzinfo=UTC)),  # RFC 3339
    ("2006-01-02T15:04:05+07:00", datetime(2006, 1, 2, 8, 4, 5, tzinfo=UTC)),
    (
        "2006-01-02T15:04:05.999999999-07:00",  # RFC 3339 with nanoseconds
        datetime(2006, 1, 2, 22, 4, 5, 999999, tzinfo=UTC),
    ),
    ("2006-01-02T15:04:05", berlin(2006, 1, 2, 15, 4, 5)),  # ISO 8601 without a zone
    ("2006-01-02T15:04:05-0700", datetime(2006, 1, 2, 22, 4, 5, tzinfo=UTC)),
    ("Mon, 02 Jan 2006 15:04:05 -0700", datetime(2006, 1, 2, 22, 4, 5, tzinfo=UTC)),  # RFC1123Z
    ("Mon, 02 Jan 2006 15:04:05 MST", berlin(2006, 1, 2, 15, 4, 5)),  # RFC 1123
    ("02 Jan 06 15:04 -0700", datetime(2006, 1, 2, 22, 4, tzinfo=UTC)),  # RFC 822Z
    ("02 Jan 06 15:04 MST", berlin(2006, 1, 2, 15, 4)),  # RFC 822
    ("Monday, 02-Jan-06 15:04:05 MST", berlin(2006, 1, 2, 15, 4, 5)),  # RFC 850
    (  # Go's Time.String()
        "2006-01-02 15:04:05.999999999 -0700 MST",
        datetime(2006, 1, 2, 22, 4, 5, 999999, tzinfo=UTC),
    ),
    ("2006-01-02 15:04:05Z", datetime(2006, 1, 2, 15, 4, 5, tzinfo=UTC)),
    ("2006-01-02 15:04:05+0700", datetime(2006, 1, 2, 8, 4, 5, tzinfo=UTC)),
    ("2006-01-02 15:04:05+07:00", datetime(2006, 1, 2, 8, 4, 5, tzinfo=UTC)),
    ("2006-01-02 15:04:05", berlin(2006, 1, 2, 15, 4, 5)),
    ("2006-01-02 15:04:05 -07:00", datetime(2006, 1, 2, 22, 4, 5, tzinfo=UTC)),
    ("2006-01-02 15:04:05 -0700", datetime(2006, 1, 2, 22, 4, 5, tzinfo=UTC)),
    ("Mon Jan  2 15:04:05 2006", berlin(2006, 1, 2, 15, 4, 5)),  # ANSIC
    ("Mon Jan  2 15:04:05 MST 2006", berlin(2006, 1, 2, 15, 4, 5)),  # Unix date
    ("Mon Jan 02 15:04:05 -0700 2006", datetime(2006, 1, 2, 22, 4, 5, tzinfo=UTC)),  # Ruby
    ("2006-01-02", berlin(2006, 1, 2)),
    ("2006-1-2", berlin(2006, 1, 2)),
    ("02 Jan 2006", berlin(2006, 1, 2)),
    ("2 Jan 2006", berlin(2006, 1, 2)),
    ("15 Oct 2023", berlin(2023, 10, 15)),
    ("2 January 2006", berlin(2006, 1, 2)),
    ("Jan 2, 2006", berlin(2006, 1, 2)),
    ("January 2, 2006", berlin(2006, 1, 2)),
    ("2006/01/02", berlin(2006, 1, 2)),
    ("  2006-01-02  ", berlin(2006, 1, 2)),
    (1136214245, datetime(2006, 1, 2, 15, 4, 5, tzinfo=UTC)),  # a Unix time, as cast reads it
    (datetime(2006, 1, 2, 15, 4, 5), berlin(2006, 1, 2, 15, 4, 5)),  # YAML, no zone
    (datetime(2006, 1, 2, 15, 4, 5, tzinfo=UTC), datetime(2006, 1, 2, 15, 4, 5, tzinfo=UTC)),
    (datetime(2006, 1, 2).date(), berlin(2006, 1, 2)),  # YAML or TOML date
]


@pytest.mark.parametrize(("text", "expected"), FORMATS, ids=[str(f[0]) for f in FORMATS])
def test_every_date_format_hugo_reads(text, expected):
    moment = parse_datetime(text, BERLIN)
    assert moment == expected
    assert moment.tzinfo is not None


def test_without_a_site_zone_a_date_is_in_the_current_time_zone(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    assert parse_datetime("2006-01-02 15:04:05") == berlin(2006, 1, 2, 15, 4, 5)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("someday soon", "not a date: 'someday soon'"),
        ("3:04PM", "a time without a year"),  # Go's Kitchen layout: no date in it
        ("Jan  2 15:04:05", "a time without a year"),  # Go's Stamp layout
        ("2006-13-45", "not a date"),
        ("", "not a date"),
        (True, "not a date"),
        (None, "not a date"),
        ([2006], "not a date"),
    ],
)
def test_what_is_not_a_date_says_so(value, message):
    with pytest.raises(ValueError, match=message):
        parse_datetime(value, BERLIN)


# An import of a small Hugo site.

# Posts live at the root, by slug or file name, as on the author's site.
CONFIG = (
    'baseURL = "https://example.com/"\ntitle = "Old site"\ntimeZone = "America/New_York"\n'
    '[permalinks]\n  posts = "/:slugorfilename/"\n'
)


def post(front, body="Some text."):
    return f"---\n{dedent(front).strip()}\n---\n\n{body}\n"


SITE = {
    "expired.md": post(
        """
        title: Gone now
        date: 2025-01-01T10:00:00Z
        expiryDate: 2026-01-01T00:00:00Z
        """
    ),
    "expiring.md": post(
        """
        title: Going soon
        date: 2025-01-01T10:00:00Z
        expirydate: 2026-06-01T00:00:00Z
        """
    ),
    "unpublish.md": post(
        """
        title: Unpublished by the alias
        date: 2025-01-01T10:00:00Z
        unpublishdate: 2026-02-01
        """
    ),
    "bad-expiry.md": post(
        """
        title: Bad expiry
        date: 2025-01-01T10:00:00Z
        expiryDate: whenever
        """
    ),
    "backwards.md": post(
        """
        title: Backwards
        date: 2025-06-01T10:00:00Z
        expiryDate: 2025-01-01T10:00:00Z
        """
    ),
    "snippets/hero/index.md": post("headless: true\ntitle: Hero text"),
    "never.md": post("title: Never\nbuild:\n  render: never\n  list: never"),
    "old-build.md": post("title: Old\n_build:\n  render: false"),
    "link-only.md": post("title: Link only\nBuild:\n  Render: link"),
    "not-headless.md": post("title: Not headless\ndate: 2025-02-01T00:00:00Z\nheadless: false"),
    "unlisted.md": post("title: Unlisted\ndate: 2025-02-01T00:00:00Z\nbuild:\n  list: never"),
    "lastmod.md": post("title: Modified\ndate: 2025-02-01T00:00:00Z\nlastMod: 2025-03-01"),
    "only-lastmod.md": post("title: Only modified\nmodified: 2025-03-01T08:00:00Z"),
    "bad-lastmod.md": post("title: Bad lastmod\ndate: 2025-02-01T00:00:00Z\nlastmod: later"),
    "series.md": post(
        """
        title: Part one
        date: 2025-02-01T00:00:00Z
        tags: [go]
        series: [Go Basics]
        weight: 3
        linkTitle: One
        """
    ),
    "local-time.md": post('title: Local time\ndate: "2023-10-15 09:00:00"'),
    "spelled-date.md": post("title: Spelled date\ndate: 15 Oct 2023"),
    "capital-draft.md": post("title: Capital draft\nDraft: true\nPublishDate: 2025-01-01"),
    "bad-date.md": post("title: Bad date\ndate: the day after"),
}


def build_site(root, files=SITE, config=CONFIG):
    (root / "hugo.toml").write_text(config, encoding="utf-8")
    for name, text in files.items():
        path = root / "content" / "posts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def imported(root):
    with time_machine.travel(NOW, tick=False):
        return Importer(root).run()


def outcome(report, name):
    return report.outcome(f"content/posts/{name}")


def warnings(report, name):
    return {reason: detail for path, reason, detail in report.warnings if path.endswith(name)}


def writing(slug):
    return Writing.objects.get(slug=slug).specific


@pytest.fixture
def site(tmp_path, db):
    root = build_site(tmp_path)
    return root, imported(root)


def test_expiry_date_becomes_expire_at_and_hides_the_post(site):
    _root, report = site
    for name in ("expired.md", "expiring.md", "unpublish.md"):
        assert outcome(report, name) == "created"
    with time_machine.travel(NOW, tick=False):
        gone, going = writing("expired"), writing("expiring")
        assert gone.expire_at == datetime(2026, 1, 1, tzinfo=UTC)
        assert gone.status == Status.PUBLISHED and gone.state == State.EXPIRED
        assert going.expire_at == datetime(2026, 6, 1, tzinfo=UTC)
        assert going.state == State.PUBLISHED
        # Hugo's alias, a date without a time: midnight in the site's zone.
        assert writing("unpublish").expire_at == datetime(2026, 2, 1, tzinfo=NEW_YORK)
        public = set(Writing.objects.published().values_list("slug", flat=True))
        assert {"expiring"} <= public
        assert not {"expired", "unpublish"} & public
    assert "expiryDate" not in gone.metadata and "expirydate" not in going.metadata


def test_an_unreadable_expiry_is_reported_and_kept(site):
    _root, report = site
    assert outcome(report, "bad-expiry.md") == "created"
    assert "expiryDate: not a date: 'whenever'" in warnings(report, "bad-expiry.md")["bad date"]
    post = writing("bad-expiry")
    assert post.expire_at is None
    assert post.metadata["expiryDate"] == "whenever"


def test_an_expiry_before_the_publish_date_imports_a_draft(site):
    _root, report = site
    assert "expires before it is published" in warnings(report, "backwards.md")
    post = writing("backwards")
    assert post.status == Status.DRAFT and post.expire_at is None
    assert post.metadata["expiryDate"].startswith("2025-01-01T10:00:00")


@pytest.mark.parametrize(
    ("name", "detail"),
    [
        ("snippets/hero/index.md", "headless: true"),
        ("never.md", "build: render: never"),
        ("old-build.md", "_build: render: False"),
        ("link-only.md", "Build: render: link"),
    ],
)
def test_what_hugo_renders_no_page_for_is_skipped_with_the_reason(site, name, detail):
    _root, report = site
    assert outcome(report, name) == "skipped: not published by Hugo"
    skipped = {path: detail for path, _reason, detail in report.skipped}
    assert skipped[f"content/posts/{name}"].startswith(detail)
    lines = "\n".join(report.lines(verbose=False))
    assert "not published by Hugo (4)" in lines


def test_headless_false_and_list_never_are_imported(site):
    _root, report = site
    assert outcome(report, "not-headless.md") == "created"
    assert outcome(report, "unlisted.md") == "created"
    assert "list: never" in warnings(report, "unlisted.md")["listed here"]
    post = writing("unlisted")
    assert post.metadata["build"] == {"list": "never"}  # exported back as it was
    assert writing("not-headless").metadata["headless"] is False


def test_lastmod_is_kept_in_metadata_and_dates_an_undated_post(site):
    _root, report = site
    assert "lastmod kept in metadata" in warnings(report, "lastmod.md")
    post = writing("lastmod")
    assert post.metadata["lastMod"] == "2025-03-01"
    assert post.publish_at == datetime(2025, 2, 1, tzinfo=UTC)
    assert writing("only-lastmod").publish_at == datetime(2025, 3, 1, 8, tzinfo=UTC)
    assert "lastmod: not a date: 'later'" in warnings(report, "bad-lastmod.md")["bad date"]
    assert writing("bad-lastmod").metadata["lastmod"] == "later"


def test_series_become_tags_weight_and_link_title_stay_in_metadata(site):
    post = writing("series")
    assert sorted(tag.name for tag in post.tags.all()) == ["go", "go basics"]
    assert "series" not in post.metadata
    assert post.metadata["weight"] == 3
    assert post.metadata["linkTitle"] == "One"


def test_dates_without_an_offset_are_in_the_sites_time_zone(site):
    assert writing("local-time").publish_at == datetime(2023, 10, 15, 13, tzinfo=UTC)
    assert writing("spelled-date").publish_at == datetime(2023, 10, 15, 4, tzinfo=UTC)


def test_front_matter_keys_are_read_whatever_their_case(site):
    post = writing("capital-draft")
    assert post.status == Status.DRAFT
    assert post.publish_at == datetime(2025, 1, 1, tzinfo=NEW_YORK)
    assert "Draft" not in post.metadata and "PublishDate" not in post.metadata


def test_an_unreadable_publish_date_skips_the_post_with_the_reason(site):
    _root, report = site
    assert outcome(report, "bad-date.md") == "skipped: bad date"
    skipped = {path: detail for path, _reason, detail in report.skipped}
    assert skipped["content/posts/bad-date.md"].startswith("date: not a date: 'the day after'")


def test_importing_again_changes_nothing(site):
    root, _report = site
    again = imported(root)
    assert not again.created and not again.updated
    assert "content/posts/expired.md" in again.unchanged


def test_expiry_is_exported_and_comes_back(site):
    with time_machine.travel(NOW, tick=False):
        front = front_matter(writing("expiring"), [], "Paul Welty")
    assert front["expiryDate"] == datetime(2026, 6, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("config_name", "config"),
    [
        ("config.toml", 'timezone = "Asia/Tokyo"\n'),
        ("config.yaml", "timeZone: Asia/Tokyo\n"),
        ("hugo.json", '{"timeZone": "Asia/Tokyo"}'),
        ("config/_default/hugo.toml", 'TimeZone = "Asia/Tokyo"\n'),
    ],
)
def test_the_time_zone_is_read_from_any_hugo_config(tmp_path, db, config_name, config):
    files = {"a.md": post('title: A\ndate: "2023-10-15 09:00:00"')}
    build_site(tmp_path, files, config="")
    (tmp_path / "hugo.toml").unlink()
    path = tmp_path / config_name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(config, encoding="utf-8")
    imported(tmp_path)
    # No [permalinks] here: the post keeps Hugo's default address, /posts/a/.
    assert writing("posts/a").publish_at == datetime(2023, 10, 15, tzinfo=UTC)


def test_an_unknown_time_zone_is_reported(tmp_path, db, settings):
    settings.TIME_ZONE = "UTC"
    files = {"a.md": post('title: A\ndate: "2023-10-15 09:00:00"')}
    report = imported(build_site(tmp_path, files, config='timeZone = "Mars/Olympus"\n'))
    assert "Mars/Olympus" in warnings(report, "a.md")["site time zone"]
    assert writing("posts/a").publish_at == datetime(2023, 10, 15, 9, tzinfo=UTC)


def test_an_expired_import_shows_in_no_list(site, client):
    with time_machine.travel(NOW + timedelta(seconds=1), tick=False):
        html = client.get("/blog/").content.decode()
        assert "Going soon" in html
        assert "Gone now" not in html
        assert client.get("/expired/").status_code == 404


def test_a_file_hugo_makes_no_page_for_claims_no_address(tmp_path, db):
    """A headless snippet named like a post leaves the post its own slug and URL."""
    files = {
        # Found first: without the rule it would take "hero" and push the post aside.
        "blocks/hero.md": post("title: Hero snippet\nheadless: true"),
        "stories/hero.md": post("title: Hero\ndate: 2025-02-01T00:00:00Z"),
    }
    report = imported(build_site(tmp_path, files))
    assert outcome(report, "stories/hero.md") == "created"
    assert writing("hero").title == "Hero"
    assert not [path for path, reason, _d in report.warnings if "clash" in reason]
