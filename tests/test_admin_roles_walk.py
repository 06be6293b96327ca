"""Every admin URL of the project, as every role, for GET and POST.

The URLs come from the project itself: each ModelAdmin's ``get_urls()`` in
``admin.site._registry`` (custom views included: the calendar, reschedule, the history
with its revisions and restore, a user's password), the admin site's own views, and
markdownx's endpoints. A URL that takes an object is tried with objects of another user
and of the contributor, drafts and published. ``RIGHTS`` says what each role may do.

- An allowed GET answers 200 (or a redirect that is not a refusal); an allowed POST is
  not refused, and a confirmed delete deletes.
- A refused GET answers 403 or 404, or redirects to the login page, the admin index or
  the model's list. A refused POST changes nothing in the database, and answers the same
  way (or re-renders a page the role may read, which ignored the POST: a list whose
  delete action the role does not have).
- A contributor's answers, refused or not, never hold the title or text of another
  user's draft, nor the alt text of another user's image.

Login and logout are not walked: the login page is public by design, and logging out
would end the walk's session.
"""

import re
from collections import namedtuple
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.models import Redirect, SiteSettings
from editorial import revisions
from essays.models import Tag
from golive.models import GoLive
from images.models import Image
from indieweb.models import Mention
from pages.models import Page, Project
from transfer.models import ImportRecord, ImportRun

from .factories import ArticleAnalysisFactory, BookFactory, DevReflectionFactory, EssayFactory
from .test_images import image_bytes

pytestmark = pytest.mark.django_db

# URL × role × method checks the walk makes, per role: a new admin URL (or a new object
# variant) changes these, so the walk is known to reach it. The total is printed.
CHECKS_PER_ROLE = {
    "author": 497,
    "editor": 497,
    "contributor": 497,
    "staff": 497,
    "anonymous": 497,
}
ADMIN_URL_ROLE_CHECKS = sum(CHECKS_PER_ROLE.values())

SECRET_TITLE, SECRET_WORDS, SECRET_ALT = (
    "Secret draft title 7f3a",
    "Secret draft words 7f3a",
    "Secret image alt 7f3a",
)

# The objects a URL is tried with. Posts: another user's and the contributor's, each a
# draft and published; images and revisions: another user's and the contributor's.
POST_VARIANTS = ("other", "other_published", "own", "own_published")
ALL = frozenset({"any", "other", "other_published", "own", "own_published"})
OWN = frozenset({"own", "own_published"})
OWN_DRAFT = frozenset({"own"})
NONE = frozenset()


def rights(view=NONE, add=False, change=NONE, delete=NONE, open=None, restore=None, share=None):
    """What a role may do with one model's admin: ``view`` (the list, an object's
    history), ``open`` (an object's change form; ``view`` unless said), ``add``, ``change``
    (a POST to the change form), ``restore`` (a POST to a post's history restores a
    revision; the others' history only reads: ``view``), ``delete`` and ``share`` ("Create
    share link": a POST to ``<id>/share-link/``, a GET of ``<id>/share-link/new/``;
    ``change`` unless said)."""
    return {
        "view": view,
        "open": view if open is None else open,
        "add": add,
        "change": change,
        "restore": view if restore is None else restore,
        "delete": delete,
        "share": change if share is None else share,
    }


POSTS = ["essays.Essay", "essays.ArticleAnalysis", "essays.DevReflection"]
AXES = ["axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog"]
FULL = rights(view=ALL, add=True, change=ALL, delete=ALL)
READ = rights(view=ALL)

RIGHTS = {
    "author": {
        **dict.fromkeys(POSTS, FULL),
        **dict.fromkeys(["essays.Tag", "books.Book", "pages.Page", "pages.Project"], FULL),
        **dict.fromkeys(["core.Redirect", "images.Image", "auth.User", "auth.Group"], FULL),
        # Every post in one list: edited with its own type's form, never added here.
        "essays.Writing": rights(view=ALL, delete=ALL),
        "editorial.Revision": rights(view=ALL, delete=ALL),
        "transfer.ImportRecord": rights(view=ALL, delete=ALL),
        # Failed logins (django-axes): read, and deleted to lift a lockout.
        **dict.fromkeys(AXES, rights(view=ALL, delete=ALL)),
        "related.Post": rights(view=ALL, change=ALL),
        "core.SiteSettings": rights(view=ALL, change=ALL),
        # The task queue's results and the go-live records: read only, for everyone.
        "django_tasks_database.DBTaskResult": READ,
        "golive.GoLive": READ,
        # Received Webmentions: moderated (approved or rejected) and deleted; never added.
        "indieweb.Mention": rights(view=ALL, change=ALL, delete=ALL),
        # The last import's warnings, shown on the desk: marked as seen (a change) there.
        "transfer.ImportRun": rights(change=ALL),
    },
    "editor": {
        **dict.fromkeys(POSTS, FULL),
        **dict.fromkeys(["essays.Tag", "books.Book", "pages.Page", "pages.Project"], FULL),
        **dict.fromkeys(["core.Redirect", "images.Image"], FULL),
        "essays.Writing": rights(view=ALL, delete=ALL),
        "editorial.Revision": READ,
        "related.Post": rights(view=ALL, change=ALL),
        "core.SiteSettings": READ,
        # Moderates received Webmentions, as the author does (editorial/roles.py).
        "indieweb.Mention": rights(view=ALL, change=ALL, delete=ALL),
        # Sees each post's go-live records, as the author does.
        "golive.GoLive": READ,
    },
    "contributor": {
        # Their own posts; only their own drafts open, change or restore; nothing deletes.
        **dict.fromkeys(
            POSTS,
            # No share links: the Contributor role holds no editorial.*_previewlink.
            rights(
                view=OWN,
                open=OWN_DRAFT,
                add=True,
                change=OWN_DRAFT,
                restore=OWN_DRAFT,
                share=NONE,
            ),
        ),
        "essays.Writing": rights(view=OWN, open=OWN_DRAFT),
        "editorial.Revision": rights(view=OWN),
        "images.Image": rights(view=OWN, add=True),
        "essays.Tag": READ,
    },
    "staff": {},
    "anonymous": {},
}
# The views that are not a model's: who may use them.
# "alias": the old change URL (/admin/<app>/<model>/<id>/), which redirects any staff user
# to the change form, where the rights are checked.
SITE_VIEWS = {"index", "password_change", "password_change_done", "jsi18n", "markdownify"}
EXTRA = {
    "author": {
        *SITE_VIEWS,
        "alias",
        "calendar",
        "reschedule",
        "upload",
        "autocomplete",
    },
    "editor": {
        *SITE_VIEWS,
        "alias",
        "calendar",
        "reschedule",
        "upload",
        "autocomplete",
    },
    "contributor": {*SITE_VIEWS, "alias", "calendar", "upload"},
    # A staff user in no group reaches the admin and nothing in it.
    "staff": {*SITE_VIEWS, "alias"},
    "anonymous": set(),
}


# The world the walk runs in ----------------------------------------------------------


def _user(username, group=None, **extra):
    user = User.objects.create_user(username, password="pw", is_staff=True, **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def _logged_addition(user, obj):
    LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action_flag=ADDITION,
    )


@pytest.fixture
def world():
    users = {
        "author": _user("author", "Author", is_superuser=True),
        "editor": _user("editor", "Editor"),
        "contributor": _user("cora", "Contributor"),
        "staff": _user("staff"),
        "anonymous": None,
    }
    other, cora = _user("olga", "Editor"), users["contributor"]
    secret = {"title": SECRET_TITLE, "description": SECRET_WORDS}
    objects, restore_to = {}, {}
    for factory, text in (
        (EssayFactory, {"body": SECRET_WORDS}),
        (ArticleAnalysisFactory, {"summary": SECRET_WORDS, "analysis": SECRET_WORDS}),
        (DevReflectionFactory, {"body": SECRET_WORDS}),
    ):
        made = {
            "other": factory(draft=True, author=other, **secret, **text),
            "other_published": factory(author=other),
            "own": factory(draft=True, author=cora, title="Cora's draft"),
            "own_published": factory(author=cora, title="Cora's post"),
        }
        objects[factory._meta.model._meta.label] = {name: post.pk for name, post in made.items()}
        for post in made.values():
            restore_to[post.pk] = revisions.record(post, user=post.author).pk
    essays = objects["essays.Essay"]
    objects["essays.Writing"] = objects["related.Post"] = essays
    essay_type = ContentType.objects.get(app_label="essays", model="essay")
    objects["editorial.Revision"] = {
        name: revisions.Revision.objects.get(content_type=essay_type, object_id=essays[name]).pk
        for name in ("other", "own")
    }
    images = {}
    for name, user, alt in (("other", other, SECRET_ALT), ("own", cora, "Cora's picture")):
        image = Image(file=SimpleUploadedFile(f"{name}.png", image_bytes()), alt=alt)
        image.save()
        _logged_addition(user, image)
        images[name] = image.pk
    objects["images.Image"] = images
    group = Group.objects.create(name="Walkers")
    singles = {
        "essays.Tag": Tag.objects.create(name="walk", slug="walk"),
        "books.Book": BookFactory(),
        "pages.Page": Page.objects.create(
            title="A page", slug="a-page", body="Words.", status="published"
        ),
        "pages.Project": Project.objects.create(name="Thing", one_liner="A thing."),
        "core.Redirect": Redirect.objects.create(old_path="/gone/", new_path="/a-page/"),
        "auth.User": other,
        "auth.Group": group,
        "transfer.ImportRecord": ImportRecord.objects.create(slug="imported", source="a.md"),
        "transfer.ImportRun": ImportRun.objects.create(
            command="import_markdown",
            source="content/",
            started=timezone.now(),
            finished=timezone.now(),
            warnings=[{"file": "a.md", "message": "A warning."}],
        ),
        "axes.AccessAttempt": AccessAttempt.objects.create(**LOGIN_TRACE, failures_since_start=3),
        "axes.AccessLog": AccessLog.objects.create(**LOGIN_TRACE),
        "axes.AccessFailureLog": AccessFailureLog.objects.create(**LOGIN_TRACE),
        "core.SiteSettings": SiteSettings.load(),
        "django_tasks_database.DBTaskResult": DBTaskResult.objects.create(
            task_path="related.tasks.refresh_related",
            args_kwargs={"args": [[1]], "kwargs": {}},
            backend_name="default",
        ),
        "golive.GoLive": GoLive.objects.create(
            writing_id=essays["other_published"], publish_at=timezone.now()
        ),
        "indieweb.Mention": Mention.objects.create(
            writing_id=essays["other_published"],
            source="https://elsewhere.example/reply",
            target="https://example.com/x/",
        ),
    }
    singles["core.SiteSettings"].save()
    for label, obj in singles.items():
        objects[label] = {"any": obj.pk}
    return {"users": users, "objects": objects, "restore_to": restore_to}


# What a failed login leaves in each of django-axes's tables.
LOGIN_TRACE = {
    "username": "someone",
    "ip_address": "203.0.113.9",
    "user_agent": "walker",
    "path_info": "/admin/login/",
}


# What is posted: enough to change something if the role were let through ----------------

INLINES = {
    "previews-TOTAL_FORMS": "0",
    "previews-INITIAL_FORMS": "0",
    "editor_notes-TOTAL_FORMS": "1",
    "editor_notes-INITIAL_FORMS": "0",
    "editor_notes-0-text": "Walked in.",
}
POST_FORMS = {
    "essays.Essay": {"body": "Walked in."},
    "essays.ArticleAnalysis": {
        "source_title": "A source",
        "source_url": "https://example.com/a",
        "quote": "A quote.",
        "summary": "Walked in.",
        "analysis": "Walked in.",
    },
    "essays.DevReflection": {"body": "Walked in."},
}
GENERIC = {
    "title": "Walked in",
    "slug": "walked-in",
    "name": "walked-in",
    "description": "Walked in.",
    "status": "draft",
    "publish_at_0": "",
    "publish_at_1": "",
    "tags": "",
    "old_path": "/walked-in/",
    "new_path": "/a-page/",
    "one_liner": "Walked in.",
    "username": "walker",
    "password1": "a long walk 1234",
    "password2": "a long walk 1234",
    **INLINES,
}


def payload(label, action, pk, world):
    if action == "delete":
        return {"post": "yes"}
    if action == "delete_selected":  # the list's bulk action
        return {"action": "delete_selected", "_selected_action": [pk], "index": "0", "post": "yes"}
    if action == "restore":
        return {"restore": world["restore_to"].get(pk, "")}
    if action == "reschedule":
        later = timezone.localtime(timezone.now() + timedelta(days=30))
        return {
            "publish_at_0": later.strftime("%Y-%m-%d"),
            "publish_at_1": "12:00:00",
        }
    return {**GENERIC, **POST_FORMS.get(label, {})}


# The requests --------------------------------------------------------------------------


# One request of the walk. ``key`` is (label, action) for a model's admin, ("extra", name)
# or ("app", label) for the others; ``variant`` names the object the URL was given, or
# None; ``on_list``: a POST to the list (its delete action), a page of the model as a whole.
Check = namedtuple("Check", "what key variant method url data on_list", defaults=[None, False])


def admin_requests(world):
    """A Check for every admin URL and method."""
    objects = world["objects"]
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        variants = objects[label]
        for pattern in model_admin.get_urls():
            route = str(pattern.pattern)
            takes_object = bool(pattern.pattern.converters)
            for variant in variants if takes_object else [None]:
                pk = variants[variant] if variant else None
                url = _url(pattern, route, model, pk)
                yield from _model_requests(label, pattern.name, route, variant, pk, url, world)
    yield from _site_requests(world)


def _url(pattern, route, model, pk):
    if pattern.name:
        converter = next(iter(pattern.pattern.converters), None)
        args = [pk] if converter else []
        return reverse(f"admin:{pattern.name}", args=args)
    # The old change URL without "change/": it redirects there.
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") + f"{pk}/"


def _model_requests(label, name, route, variant, pk, url, world):
    what = f"{label} {route or '(list)'} [{variant or '-'}]"
    suffix = (name or "").rsplit("_", 1)[-1]
    if name is None:  # the old change URL: a redirect to the change form, checked there
        yield Check(what, ("extra", "alias"), variant, "get", url)
        return
    if name == "auth_user_password_change":
        yield Check(what, (label, "open"), variant, "get", url)
        yield Check(what, (label, "change"), variant, "post", url, payload(label, "", pk, world))
        return
    if name == "essays_writing_calendar":
        yield Check(what, ("extra", "calendar"), None, "get", url)
        yield Check(what, ("extra", "calendar"), None, "post", url, {})
        return
    if suffix == "autosave":
        # A post's autosave (editorial/admin/autosave.py): for whoever may change it, or on
        # the add form ("add/autosave/") for whoever may add one.
        right = "add" if name.endswith("_add_autosave") else "change"
        yield Check(what, (label, right), variant, "get", url)
        yield Check(what, (label, right), variant, "post", url, {"body": "Autosaved."})
        return
    if name.endswith("_share_link"):
        # "Create share link" (editorial/admin/share.py): a POST only.
        yield Check(what, ("extra", "never"), variant, "get", url)
        yield Check(what, (label, "share"), variant, "post", url, {})
        return
    if name.endswith("_share_link_form"):
        # The page that asks for a share link without script: a GET only.
        yield Check(what, (label, "share"), variant, "get", url)
        yield Check(what, ("extra", "never"), variant, "post", url, {})
        return
    if name == "transfer_importrun_seen":
        # The desk's "mark as seen" (editorial/admin/desk_views.py): a POST only.
        yield Check(what, ("extra", "never"), variant, "get", url)
        yield Check(what, (label, "change"), variant, "post", url, {})
        return
    if name == "essays_writing_reschedule":
        data = payload(label, "reschedule", pk, world)
        yield Check(what, ("extra", "never"), variant, "get", url)
        yield Check(what, ("extra", "reschedule"), variant, "post", url, data)
        return
    get_action, post_action = {
        "changelist": ("view", None),
        "add": ("add", "add"),
        "history": ("view", "restore"),
        "delete": ("delete", "delete"),
        "change": ("open", "change"),
    }[suffix]
    yield Check(what, (label, get_action), variant, "get", url)
    if post_action:
        data = payload(label, post_action, pk, world)
        yield Check(what, (label, post_action), variant, "post", url, data)
    else:
        # The list's delete action, on each object the role might reach.
        for each, each_pk in world["objects"][label].items():
            data = payload(label, "delete_selected", each_pk, world)
            yield Check(f"{what} delete [{each}]", (label, "delete"), each, "post", url, data, True)


def _site_requests(world):
    for name in ("index", "password_change", "password_change_done", "jsi18n"):
        yield Check(f"site {name}", ("extra", name), None, "get", reverse(f"admin:{name}"))
    url = reverse("admin:password_change")
    yield Check("site password_change", ("extra", "password_change"), None, "post", url, {})
    for app_label in sorted({model._meta.app_label for model in admin.site._registry}):
        url = reverse("admin:app_list", kwargs={"app_label": app_label})
        yield Check(f"site app {app_label}", ("app", app_label), None, "get", url)
    query = "?app_label=related&model_name=relatedchoice&field_name=target&term=zz"
    url = reverse("admin:autocomplete") + query
    yield Check("site autocomplete", ("extra", "autocomplete"), None, "get", url)
    essay_type = ContentType.objects.get(app_label="essays", model="essay").pk
    for variant, pk in world["objects"]["essays.Essay"].items():
        url = reverse("admin:view_on_site", args=[essay_type, pk])
        yield Check(
            f"site view_on_site [{variant}]", ("extra", "view_on_site"), variant, "get", url
        )
    for name in ("upload", "markdownify"):
        url = reverse(f"markdownx_{name}")
        yield Check(f"markdownx {name}", ("extra", "never"), None, "get", url)
        yield Check(f"markdownx {name}", ("extra", name), None, "post", url, {"content": "*hi*"})


def allowed(role, key, variant):
    kind, name = key
    if key == ("extra", "view_on_site"):
        # Only for whom the post's admin lists it (core/admin_shortcut.py).
        return allowed(role, ("essays.Essay", "view"), variant)
    if kind == "extra":
        return name in EXTRA[role]
    if kind == "app":
        return any(
            granted["view"] or granted["add"]
            for label, granted in RIGHTS[role].items()
            if label.split(".")[0] == name
        )
    granted = RIGHTS[role].get(kind, {}).get(name, NONE)
    if isinstance(granted, bool):
        return granted
    return variant in granted if variant else bool(granted)


# Watching the database: a refused POST must leave every row as it was.
WATCHED = [
    "essays.Writing",
    "essays.Essay",
    "essays.ArticleAnalysis",
    "essays.DevReflection",
    "essays.Tag",
    "editorial.Revision",
    "editorial.PreviewLink",
    "editorial.Autosave",
    "editorial.EditorNote",
    "images.Image",
    "books.Book",
    "pages.Page",
    "pages.Project",
    "core.Redirect",
    "core.SiteSettings",
    "transfer.ImportRecord",
    "transfer.ImportRun",
    *AXES,
    "related.RelatedChoice",
    "indieweb.Mention",
    "auth.User",
    "auth.Group",
]


def fingerprint():
    rows = []
    for label in WATCHED:
        model = apps.get_model(label)
        names = [f.attname for f in model._meta.concrete_fields if f.name != "last_login"]
        rows.append(list(model._default_manager.order_by("pk").values_list(*names)))
    rows.append(list(Tag.writings.through.objects.order_by("pk").values_list()))
    return rows


ADMIN_LIST = re.compile(r"/admin/[^/]+/[^/]+/")


def _refusal(response):
    """Why ``response`` refuses, or None: 403, 404, 405, or a redirect to the login page,
    the admin index or a model's list (which a successful POST may also answer)."""
    if response.status_code in (403, 404, 405):
        return str(response.status_code)
    if response.status_code == 302:
        target = urlsplit(response["Location"]).path
        if target == reverse("admin:login"):
            return "login"
        if target == reverse("admin:index"):
            return "index"
        if ADMIN_LIST.fullmatch(target):
            return "list"
    return None


def _follow(client, chain, follow=True):
    """The answers to ``chain``'s request, following redirects inside the admin that are
    not refusals (the all-writing list's way to a post's own form, the site settings'
    list to its one row...) with GETs, and why they refuse, or None."""
    while follow and chain[-1].status_code == 302 and _refusal(chain[-1]) is None:
        location = chain[-1]["Location"]
        if not location.startswith("/admin/") or len(chain) > 4:
            break  # "view on site": a redirect off the admin is its answer
        chain.append(client.get(location))
    refused = next((why for why in map(_refusal, chain) if why), None)
    if refused is None and chain[-1].status_code not in (200, 302, 400):
        refused = f"status {chain[-1].status_code}"
    return chain, refused


# related.Post's autocomplete (related/admin.py) pages a queryset whose Count annotation
# drops the model's ordering: a warning, not a fault of the roles, reported to its owner.
@pytest.mark.filterwarnings("ignore::django.core.paginator.UnorderedObjectListWarning")
@pytest.mark.parametrize("role", list(CHECKS_PER_ROLE))
def test_every_admin_url_as_every_role(role, world, client, capsys):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    failures, checks = [], 0
    # Each request runs in a transaction rolled back after it: every one starts from here.
    baseline = fingerprint()
    for what, key, variant, method, url, data, on_list in admin_requests(world):
        checks += 1
        may = allowed(role, key, variant)
        with transaction.atomic():
            if method == "get":
                # The old change URL redirects to the change form, walked on its own.
                chain, refused = _follow(client, [client.get(url)], key != ("extra", "alias"))
                changed = False
            else:
                answer = client.post(url, data)
                changed = fingerprint() != baseline
                # A save or a delete goes back to the list (to the index without the right
                # to change); anything else that redirects is followed.
                success = changed and _refusal(answer) in ("list", "index")
                chain, refused = _follow(client, [answer], not success)
                refused = None if success else refused
            transaction.set_rollback(True)
        response = chain[-1]
        if user is not None and "_auth_user_id" not in client.session:
            # A password change cycles the session key, in the transaction rolled back.
            client.force_login(user)
        if role == "contributor":
            for answer in chain:
                body = answer.content.decode(errors="replace")
                leaked = [s for s in (SECRET_TITLE, SECRET_WORDS, SECRET_ALT) if s in body]
                if leaked:
                    failures.append(f"{method.upper()} {what}: shows {leaked}")
        if may and refused is not None:
            failures.append(f"{method.upper()} {what}: may, but refused ({refused})")
        elif not may and changed:
            failures.append(f"{method.upper()} {what}: may not, but the POST changed data")
        elif not may and refused is None:
            # A POST the role may not make, to a page the role may read, can re-render it.
            page = key if key[0] == "extra" else (key[0], "view")
            readable = method == "post" and allowed(role, page, None if on_list else variant)
            if not (readable and response.status_code == 200):
                failures.append(
                    f"{method.upper()} {what}: may not, but answered {response.status_code}"
                )
    with capsys.disabled():
        print(
            f"\nadmin URL × role checks for {role}: {checks} (all roles: {ADMIN_URL_ROLE_CHECKS})"
        )
    assert failures == [], "\n".join(failures)
    assert checks == CHECKS_PER_ROLE[role], "an admin URL was added or removed: update the count"
