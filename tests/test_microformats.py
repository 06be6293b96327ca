"""IndieWeb: each post is an h-entry, the home page an h-card, and the author's profiles
elsewhere are rel=me links on every page. Read with mf2py, as IndieWeb tools read them."""

import mf2py
import pytest
from django.core.exceptions import ValidationError

from core.models import SiteSettings

from .factories import ArticleAnalysisFactory, DevReflectionFactory, EssayFactory, TagFactory

pytestmark = pytest.mark.django_db

PROFILES = "https://mastodon.example/@ada\nhttps://github.com/ada"


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return mf2py.parse(doc=response.content.decode(), url=f"http://testserver{url}")


def items_of(parsed, kind):
    return [item for item in parsed["items"] if kind in item["type"]]


@pytest.mark.parametrize("factory", [EssayFactory, ArticleAnalysisFactory, DevReflectionFactory])
def test_a_post_is_an_h_entry(client, factory):
    SiteSettings.objects.create(author_name="Ada Author", credential="")
    post = factory(title="On tests", description="Why they matter.", tags=[TagFactory(name="ai")])
    [entry] = items_of(parse(client, post.get_absolute_url()), "h-entry")
    props = entry["properties"]
    assert props["name"] == ["On tests"]
    assert props["summary"] == ["Why they matter."]
    assert props["url"] == [f"http://testserver{post.get_absolute_url()}"]
    assert props["published"][0][:10] == post.publish_at.date().isoformat()
    assert props["category"] == ["ai"]
    [author] = props["author"]
    assert author["type"] == ["h-card"]
    assert author["properties"]["name"] == ["Ada Author"]
    assert author["properties"]["url"] == ["http://testserver/"]
    content = props["content"][0]
    body = getattr(post, "body_html", "") or post.analysis_html
    assert body.strip()[:40] in content["html"]


def test_the_home_page_is_the_authors_h_card_with_rel_me(client):
    SiteSettings.objects.create(
        author_name="Ada Author", credential="PhD", short_bio="I write.", rel_me_links=PROFILES
    )
    parsed = parse(client, "/")
    [card] = items_of(parsed, "h-card")
    props = card["properties"]
    assert props["name"] == ["Ada Author"]
    assert props["honorific-suffix"] == ["PhD"]
    assert props["note"][0].strip() == "I write."
    assert "http://testserver/" in props["url"]
    assert {"https://mastodon.example/@ada", "https://github.com/ada"} <= set(props["url"])
    assert {"https://mastodon.example/@ada", "https://github.com/ada"} <= set(parsed["rels"]["me"])


def test_every_page_has_the_rel_me_links(client):
    SiteSettings.objects.create(rel_me_links=PROFILES)
    post = EssayFactory()
    for url in ["/blog/", post.get_absolute_url(), "/books/"]:
        rels = parse(client, url)["rels"]
        assert sorted(rels["me"]) == ["https://github.com/ada", "https://mastodon.example/@ada"]


def test_rel_me_takes_only_web_addresses():
    site = SiteSettings(rel_me_links="https://ok.example/\njavascript:alert(1)")
    with pytest.raises(ValidationError):
        site.full_clean()
    assert site.profile_links == ["https://ok.example/"]
