"""What an import may redirect: never the home page, never a path something lives at now."""

import pytest

from core.models import Redirect
from core.redirects import add_old_address, add_redirect

from .factories import EssayFactory

pytestmark = pytest.mark.django_db


def test_an_import_never_takes_over_a_live_address():
    EssayFactory(slug="mine")
    add_redirect("/my-old-name/", "/mine/")  # the author's own redirect
    assert add_old_address("/mine/", "/evil/") is None
    assert add_old_address("/mine", "/evil/") is None
    assert add_old_address("/books/", "/evil/") is None  # a page of the site
    assert dict(Redirect.objects.values_list("old_path", "new_path")) == {"/my-old-name/": "/mine/"}


def test_an_import_never_redirects_the_home_page():
    add_redirect("/old-home/", "/")
    # A WordPress link with more than ?p=N in its query normalises to "/".
    assert add_old_address("/?p=5&lang=en", "/t/") is None
    assert add_old_address("/", "/t/") is None
    assert dict(Redirect.objects.values_list("old_path", "new_path")) == {"/old-home/": "/"}


def test_a_dead_address_is_redirected():
    EssayFactory(slug="new-home")
    assert add_old_address("/2019/05/old-name/", "/new-home/").new_path == "/new-home/"
    assert add_old_address("/?p=12", "/new-home/").old_path == "/?p=12"


def test_only_the_home_page_reads_its_query_for_old_addresses(client):
    many = "&".join(f"a{i}=1" for i in range(1100))  # over DATA_UPLOAD_MAX_NUMBER_FIELDS
    assert client.get(f"/blog/?{many}").status_code == 200


def test_a_draft_leaves_a_redirect_from_its_address_until_it_is_published(client):
    EssayFactory(slug="moved-here")
    add_redirect("/old-name/", "/moved-here/")
    draft = EssayFactory(slug="old-name", draft=True)  # saved from the shell or an import
    response = client.get("/old-name/")
    assert (response.status_code, response["Location"]) == (301, "/moved-here/")
    draft.status, draft.publish_at = "published", draft.created
    draft.save()
    assert not Redirect.objects.filter(old_path="/old-name/").exists()
    assert client.get("/old-name/").status_code == 200
