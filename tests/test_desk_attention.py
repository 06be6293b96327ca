"""The admin desk's "Needs attention": images without alt text (by the image library's
own rule), the last import's warnings (kept by the importers, dismissed from the desk),
share links about to end, and go-lives whose side effects failed or are late. Each for
the roles that may see it, a contributor's for their own posts only, and the desk's
cost the same whatever the number of items."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from core.models import SiteSettings
from editorial.desk import desk
from editorial.models import PreviewLink
from golive.models import GoLive
from images.models import Image
from transfer.models import ImportRun

from .factories import DevReflectionFactory, EssayFactory
from .test_editorial import user_with_role

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")
GO_LIVES = reverse("admin:golive_golive_changelist")
IN_MEMORY = {
    **settings.STORAGES,
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}


@pytest.fixture
def author(django_user_model):
    return user_with_role(django_user_model, "Author", "author")


@pytest.fixture
def editor(django_user_model):
    return user_with_role(django_user_model, "Editor", "ed")


@pytest.fixture
def contributor(django_user_model):
    return user_with_role(django_user_model, "Contributor", "cora")


def home(user):
    client = Client()
    client.force_login(user)
    return client.get(INDEX).content.decode()


def attention(user):
    """The desk's "Needs attention" box on the admin home, alone ("" when there is none)."""
    html = home(user)
    if "desk-attention" not in html:
        return ""
    start = html.index('class="module desk-attention"')
    return html[start : html.index("</table>", start)]


def change_url(post):
    return reverse(f"admin:essays_{post.kind}_change", args=[post.pk])


def grant(user, *codes):
    for code in codes:
        app_label, codename = code.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    # A fresh copy: the permission cache of the old one is stale.
    return type(user).objects.get(pk=user.pk)


def share_link(post, hours, **fields):
    return PreviewLink.objects.create(
        writing=post, expires_at=timezone.now() + timedelta(hours=hours), **fields
    )


def go_live(post, state, seconds_ago=600, error=""):
    return GoLive.objects.create(
        writing=post,
        publish_at=timezone.now() - timedelta(seconds=seconds_ago),
        state=state,
        last_error=error,
    )


def import_run(n, **fields):
    started = timezone.now() - timedelta(minutes=5)
    warnings = [{"file": f"content/posts/p{i}.md", "message": "no date"} for i in range(n)]
    return ImportRun.objects.create(
        command="import_markdown",
        source="/sites/old",
        started=started,
        finished=started + timedelta(minutes=1),
        warnings=warnings,
        **fields,
    )


# Images without alt text -------------------------------------------------------------


def test_images_follow_the_image_librarys_rule(author):
    """An image without library alt is fine when every post using it describes it: the
    library says so, and the desk agrees (the old rule listed it)."""
    EssayFactory(body="![A heron on one leg](/media/images/heron.png)")
    EssayFactory(body="![](/media/images/gull.png)")
    Image.objects.bulk_create(
        [
            Image(file="images/heron.png", alt="", format="PNG"),  # described where used
            Image(file="images/gull.png", alt=" ", format="PNG"),  # used with no alt
            Image(file="images/unused.png", alt="", format="PNG"),
            Image(file="images/rule.png", alt="", decorative=True, format="PNG"),
            Image(file="images/owl.png", alt="An owl", format="PNG"),
        ]
    )
    listed = {image.file.name for image in desk(author)["images"]}
    assert listed == {"images/gull.png", "images/unused.png"}
    html = home(author)
    assert "gull.png" in html and "unused.png" in html and "heron.png" not in html


# The last import's warnings ----------------------------------------------------------


def hugo_site(folder):
    """Two posts: one fine, one with no date and a shortcode the importer keeps."""
    posts = folder / "content" / "posts"
    posts.mkdir(parents=True)
    (posts / "dated.md").write_text('---\ntitle: "Dated"\ndate: 2020-01-02\n---\nWords.\n')
    (posts / "undated.md").write_text(
        '---\ntitle: "Undated"\n---\nWords.\n\n{{< mystery thing="1" >}}\n'
    )
    return folder


@override_settings(STORAGES=IN_MEMORY)
def test_a_real_import_keeps_its_warnings_and_a_dry_run_keeps_nothing(tmp_path):
    site = hugo_site(tmp_path)
    call_command("import_markdown", str(site), "--dry-run", "--no-progress", stdout=StringIO())
    assert not ImportRun.objects.exists()

    before = timezone.now()
    call_command("import_markdown", str(site), "--no-progress", stdout=StringIO())
    run = ImportRun.objects.get()
    assert run.command == "import_markdown" and run.source == str(site.resolve())
    assert before <= run.started <= run.finished <= timezone.now()
    assert run.counts["created"] == 2 and run.counts["files"] == 2
    assert run.seen_at is None
    undated = [w["message"] for w in run.warnings if w["file"] == "content/posts/undated.md"]
    assert any("no date" in message for message in undated)
    assert any("mystery" in message for message in undated)
    assert all(set(w) == {"file", "message"} for w in run.warnings)


@override_settings(STORAGES=IN_MEMORY)
def test_a_wordpress_import_keeps_its_run_too():
    from .test_import_wordpress import EXPORT

    call_command("import_wordpress", str(EXPORT), "--dry-run", stdout=StringIO())
    assert not ImportRun.objects.exists()
    call_command("import_wordpress", str(EXPORT), stdout=StringIO())
    run = ImportRun.objects.get()
    assert run.command == "import_wordpress" and run.counts["created"] > 0
    # The export's attachments are not beside it: each is a warning, with its item.
    assert run.warnings and all(w["file"] and w["message"] for w in run.warnings)


def test_the_desk_shows_the_newest_runs_warnings_with_their_files(author):
    import_run(3, seen_at=timezone.now())  # an older run, seen
    run = import_run(12)
    run.started += timedelta(minutes=1)
    run.save()
    html = home(author)
    assert "warned about 12 things" in html and "import_markdown" in html
    assert "content/posts/p0.md" in html and "content/posts/p7.md" in html
    assert "content/posts/p8.md" not in html and "and 4 more" in html  # the first few only
    assert reverse("admin:transfer_importrun_seen", args=[run.pk]) in html


def test_a_seen_or_clean_newest_run_shows_nothing(author):
    import_run(4)
    newer = import_run(0)
    newer.started += timedelta(minutes=1)
    newer.save()
    assert desk(author)["imports"] is None  # the newest run had nothing to say
    newer.delete()
    ImportRun.objects.update(seen_at=timezone.now())
    assert desk(author)["imports"] is None
    assert "warned about" not in home(author)


def test_only_who_may_read_the_runs_sees_them(editor, contributor):
    import_run(2)
    # Editors and contributors are given no permission on import runs (editorial/roles.py).
    assert "warned about" not in home(editor)
    assert "warned about" not in home(contributor)
    # A contributor given it all the same: the warnings name every author's files.
    contributor = grant(contributor, "transfer.view_importrun")
    assert desk(contributor)["imports"] is None
    editor = grant(editor, "transfer.view_importrun")
    html = home(editor)
    assert "warned about 2 things" in html and "Mark as seen" not in html
    assert "more." not in html


def test_mark_as_seen_is_a_csrf_checked_post_for_who_may_change_runs(author, editor):
    run = import_run(2)
    url = reverse("admin:transfer_importrun_seen", args=[run.pk])

    client = Client(enforce_csrf_checks=True)
    client.force_login(author)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403  # no CSRF token
    run.refresh_from_db()
    assert run.seen_at is None

    editor = grant(editor, "transfer.view_importrun")
    client = Client()
    client.force_login(editor)
    assert client.post(url).status_code == 403  # may read, not dismiss
    assert Client().post(url)["Location"].startswith(reverse("admin:login"))
    run.refresh_from_db()
    assert run.seen_at is None

    client.force_login(author)
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == INDEX
    run.refresh_from_db()
    assert run.seen_at is not None
    html = client.get(INDEX).content.decode()
    assert "marked as seen" in html and "warned about" not in html
    assert (
        client.post(reverse("admin:transfer_importrun_seen", args=[run.pk + 99])).status_code == 404
    )


# Share links about to end ------------------------------------------------------------


def test_share_links_ending_within_two_days_are_listed_with_their_post(editor):
    soon = EssayFactory(draft=True, title="Reviewed soon")
    later = EssayFactory(draft=True, title="Reviewed later")
    share_link(soon, 10)
    share_link(later, 24 * 5)
    share_link(EssayFactory(draft=True, title="Revoked one"), 5, revoked=True)
    share_link(EssayFactory(draft=True, title="Ended one"), -1)
    html = attention(editor)
    assert "Reviewed soon" in html and change_url(soon) in html
    assert "Share link ends in" in html
    for title in ("Reviewed later", "Revoked one", "Ended one"):
        assert title not in html
    assert [link.writing_id for link in desk(editor)["links"]] == [soon.pk]


def test_a_contributor_sees_only_their_own_posts_links(contributor):
    own = EssayFactory(draft=True, title="Coras draft", author=contributor)
    share_link(own, 3)
    share_link(EssayFactory(draft=True, title="Olgas draft"), 3)
    # The Contributor role has no permission on share links: nothing new on the desk.
    assert desk(contributor)["links"] == []
    contributor = grant(contributor, "editorial.view_previewlink")
    assert [link.writing_id for link in desk(contributor)["links"]] == [own.pk]
    assert "Coras draft" in attention(contributor) and "Olgas draft" not in home(contributor)


# Go-lives needing attention ----------------------------------------------------------


def test_failed_and_overdue_go_lives_are_listed_for_who_may_view_them(author, editor):
    failed = EssayFactory(title="Hooks failed")
    late = EssayFactory(title="Hooks late")
    go_live(failed, GoLive.State.FAILED, error="HTTP 500 from the hub\nTraceback: long")
    go_live(late, GoLive.State.PENDING, seconds_ago=600)
    go_live(EssayFactory(title="Just now"), GoLive.State.PENDING, seconds_ago=5)
    go_live(EssayFactory(title="All done"), GoLive.State.DONE)
    html = attention(author)
    assert "Hooks failed" in html and change_url(failed) in html
    assert "side effects failed" in html and "HTTP 500 from the hub" in html
    assert "Traceback" not in html  # the first line only
    assert "Hooks late" in html and "overdue" in html
    assert "Just now" not in html and "All done" not in html
    assert GO_LIVES in html
    # Editors, who schedule posts, see them too (editorial/roles.py).
    assert "Hooks failed" in attention(editor) and len(desk(editor)["go_lives"]) == 2


def test_a_contributor_with_the_permission_sees_their_own_go_lives_only(contributor):
    own = EssayFactory(title="Coras live post", author=contributor)
    go_live(own, GoLive.State.FAILED, error="boom")
    go_live(EssayFactory(title="Olgas live post"), GoLive.State.FAILED, error="boom")
    assert desk(contributor)["go_lives"] == []
    contributor = grant(contributor, "golive.view_golive")
    assert [g.writing_id for g in desk(contributor)["go_lives"]] == [own.pk]


def test_a_contributor_gets_no_new_items(contributor):
    own = EssayFactory(draft=True, author=contributor)
    share_link(own, 3)
    go_live(EssayFactory(author=contributor), GoLive.State.FAILED)
    import_run(2)
    Image.objects.bulk_create([Image(file="images/a.png", alt="", format="PNG")])
    lists = desk(contributor)
    assert (lists["links"], lists["go_lives"], lists["imports"], lists["images"]) == (
        [],
        [],
        None,
        [],
    )
    assert "Needs attention" not in home(contributor)


# What the desk costs -----------------------------------------------------------------


def fill(n):
    for i in range(n):
        post = EssayFactory(draft=True)
        share_link(post, 10)
        live = EssayFactory()
        go_live(live, GoLive.State.FAILED, error=f"error {i}")
    Image.objects.bulk_create(
        [Image(file=f"images/n{n}-{i}.png", alt="", format="PNG") for i in range(n)]
    )
    ImportRun.objects.all().delete()
    import_run(n)


def queries(user):
    client = Client()
    client.force_login(user)
    client.get(INDEX)  # the session, the content types: cached from here on
    with CaptureQueriesContext(connection) as captured:
        html = client.get(INDEX).content.decode()
    assert "Needs attention" in html
    return len(captured)


# The admin home for an author: the session and user, the app list's permissions, and
# the desk's lists, each one query whatever its length (editorial/desk.py).
DESK_QUERIES = 25


def test_the_desk_costs_the_same_for_2_and_20_of_everything(author):
    fill(2)
    assert queries(author) == DESK_QUERIES
    fill(18)
    assert queries(author) == DESK_QUERIES


def test_a_podcast_without_artwork_or_owner_email_needs_attention(author, contributor):
    EssayFactory(title="No audio")
    assert "Podcast feed" not in attention(author)  # no episode yet: nothing to ask
    DevReflectionFactory(audio_url="https://cdn.example.com/1.mp3")
    html = attention(author)
    assert "The podcast has no artwork" in html and "no owner&#x27;s email" in html
    assert reverse("admin:core_sitesettings_changelist") in html
    assert "Podcast feed" not in attention(contributor)  # the site's settings: not theirs
    site = SiteSettings.load()
    site.podcast_owner_email = "ada@example.com"
    site.podcast_artwork = "podcast/cover.jpg"
    site.save()
    assert "Podcast feed" not in attention(author)
