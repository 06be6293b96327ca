"""The roles are kept by a post_migrate handler (editorial/roles.py), not by migrations."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from editorial.roles import ROLES, sync_roles

pytestmark = pytest.mark.django_db


def roles():
    """Each group's permissions, as {name: {(app_label, codename), ...}}."""
    return {
        group.name: set(group.permissions.values_list("content_type__app_label", "codename"))
        for group in Group.objects.all()
    }


def every_permission():
    return set(Permission.objects.values_list("content_type__app_label", "codename"))


def migrate():
    call_command("migrate", verbosity=0, interactive=False)


def test_after_migrate_the_roles_have_exactly_their_permissions():
    # The test database was made by migrate: the handler has run already.
    assert roles() == {
        "Author": every_permission(),
        "Editor": set(ROLES["Editor"]),
        "Contributor": set(ROLES["Contributor"]),
    }


def test_every_permission_a_role_names_exists():
    # A typo in editorial/roles.py would otherwise be skipped without a word.
    for name, wanted in ROLES.items():
        assert set(wanted) <= every_permission(), name


def test_running_the_handler_twice_changes_nothing():
    migrate()
    before = roles(), dict(Group.objects.values_list("name", "pk"))
    sync_roles()
    sync_roles()
    migrate()
    assert (roles(), dict(Group.objects.values_list("name", "pk"))) == before
    assert Group.objects.count() == 3


def test_the_next_migrate_puts_hand_made_changes_right():
    editor, contributor = Group.objects.get(name="Editor"), Group.objects.get(name="Contributor")
    editor.permissions.remove(Permission.objects.get(codename="publish_writing"))
    contributor.permissions.add(Permission.objects.get(codename="delete_essay"))
    Group.objects.get(name="Author").delete()
    assert ("essays", "publish_writing") not in roles()["Editor"]

    migrate()

    assert roles() == {
        "Author": every_permission(),
        "Editor": set(ROLES["Editor"]),
        "Contributor": set(ROLES["Contributor"]),
    }


MODERATE_MENTIONS = {("indieweb", f"{action}_mention") for action in ("view", "change", "delete")}


def test_editors_moderate_mentions_and_contributors_do_not():
    assert MODERATE_MENTIONS <= roles()["Editor"]
    assert ("indieweb", "add_mention") not in roles()["Editor"]  # they come from other sites
    assert not {code for code in roles()["Contributor"] if code[0] == "indieweb"}


def test_a_database_from_before_gets_the_editor_s_mention_rights_at_the_next_migrate():
    # A site deployed before the Editor moderated mentions: its group lacks the rights
    # until the release step's migrate runs the handler (no data migration needed).
    editor = Group.objects.get(name="Editor")
    editor.permissions.remove(
        *Permission.objects.filter(content_type__app_label="indieweb", codename__endswith="mention")
    )
    assert not MODERATE_MENTIONS & roles()["Editor"]
    migrate()
    assert MODERATE_MENTIONS <= roles()["Editor"]
