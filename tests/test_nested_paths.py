"""A post may live at a nested path, as on Hugo: /work-logs/authexis/2026-02-01/."""

import pytest
from django.core.exceptions import ValidationError

from core.models import Redirect
from core.publishing import Status
from pages.models import Page

from .factories import EssayFactory

pytestmark = pytest.mark.django_db


def test_paths_are_unique_as_wholes_not_by_their_last_part(client):
    EssayFactory(slug="work-logs/authexis/2026-02-01", title="Authexis log")
    EssayFactory(slug="syntheses/2026-02-01", title="Synthesis")
    EssayFactory(slug="2026-02-01", title="At the root")
    for url, title in (
        ("/work-logs/authexis/2026-02-01/", "Authexis log"),
        ("/syntheses/2026-02-01/", "Synthesis"),
        ("/2026-02-01/", "At the root"),
    ):
        assert title in client.get(url).content.decode()
    response = client.get("/syntheses/2026-02-01")
    assert (response.status_code, response["Location"]) == (301, "/syntheses/2026-02-01/")


def test_lists_feeds_and_the_sitemap_link_to_the_nested_address(client):
    EssayFactory(slug="syntheses/2026-02-01", title="Synthesis")
    for url in ("/blog/", "/index.xml", "/sitemap.xml"):
        assert "/syntheses/2026-02-01/" in client.get(url).content.decode(), url


def test_moving_a_published_post_redirects_its_old_nested_address(client):
    essay = EssayFactory(slug="work-logs/old-project/2026-02-01")
    essay.slug = "work-logs/new-project/2026-02-01"
    essay.save()
    response = client.get("/work-logs/old-project/2026-02-01/")
    assert (response.status_code, response["Location"]) == (
        301,
        "/work-logs/new-project/2026-02-01/",
    )
    assert Redirect.objects.count() == 1


def test_a_page_stays_at_the_root():
    page = Page(title="Team", slug="about/team", status=Status.PUBLISHED)
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "slug" in error.value.message_dict
