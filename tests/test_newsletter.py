"""Newsletter on publish: each post POSTed once, at its go-live, signed with HMAC-SHA256
of the body; and the signup form on the home and newsletter pages."""

import hashlib
import hmac
import json
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template
from django.utils import timezone

from core.models import SiteSettings
from golive.hooks import sign
from golive.models import Tracking
from golive.tasks import sweep
from pages.models import Page

from .factories import EssayFactory
from .hook_server import HookServer

pytestmark = pytest.mark.django_db
SECRET = "shared secret 42"


@pytest.fixture
def service(settings):
    with HookServer() as server:
        settings.NEWSLETTER_WEBHOOK_URL = server.url + "/newsletter"
        settings.NEWSLETTER_WEBHOOK_SECRET = SECRET
        settings.SITE_URL = "https://example.com"
        Tracking.objects.update_or_create(pk=1, defaults={"started_at": timezone.now()})
        yield server


def test_each_post_is_sent_once_signed_at_its_go_live(service):
    post = EssayFactory(
        title="Letter words", slug="letter-words", body="Dear *reader*.", publish_at=None
    )
    sweep()
    assert sweep() == []
    [(path, content_type, body)] = service.requests
    assert (path, content_type) == ("/newsletter", "application/json")
    sent = json.loads(body)
    assert sent["url"] == "https://example.com/letter-words/"
    assert sent["title"] == "Letter words"
    assert sent["summary"] == post.description
    assert "<em>reader</em>" in sent["content_html"]


def test_the_signature_is_hmac_sha256_of_the_exact_body(service, monkeypatch):
    seen = {}
    from golive import hooks

    real = hooks._post

    def spy(url, data, content_type, headers=None):
        seen.update(data=data, headers=headers)
        return real(url, data, content_type, headers)

    monkeypatch.setattr(hooks, "_post", spy)
    EssayFactory(publish_at=None)
    sweep()
    expected = hmac.new(SECRET.encode(), seen["data"], hashlib.sha256).hexdigest()
    assert seen["headers"]["X-Newsletter-Signature"] == f"sha256={expected}"
    assert sign(seen["data"], "another secret") != seen["headers"]["X-Newsletter-Signature"]


def test_a_post_published_again_is_not_sent_again(service):
    post = EssayFactory(publish_at=None)
    sweep()
    post.publish_at = timezone.now() + timedelta(seconds=1)
    post.save()
    import time_machine

    with time_machine.travel(post.publish_at + timedelta(seconds=5)):
        [again] = sweep()  # a new go-live: the other hooks run again...
    again.refresh_from_db()
    assert "golive.hooks.newsletter" in again.hooks_done
    assert len(service.to("/newsletter")) == 1  # ...the newsletter did not send twice


def test_drafts_and_scheduled_posts_are_not_sent(service):
    EssayFactory(draft=True)
    EssayFactory(scheduled=True)
    sweep()
    assert service.requests == []


def test_nothing_is_sent_without_a_url(settings):
    settings.NEWSLETTER_WEBHOOK_URL = ""
    Tracking.objects.update_or_create(pk=1, defaults={"started_at": timezone.now()})
    EssayFactory(publish_at=None)
    [record] = sweep()
    record.refresh_from_db()
    assert record.state == "done"


SIGNUP = "https://letters.example.net/subscribe"


def test_the_signup_form_is_on_the_home_and_newsletter_pages(client, settings):
    settings.NEWSLETTER_SIGNUP_URL = SIGNUP
    SiteSettings.load().save()
    Page.objects.create(title="Newsletter", slug="newsletter", body="Words.", status="published")
    for url in ("/", "/newsletter/"):
        page = client.get(url).content.decode()
        assert f'<form class="newsletter-signup" method="post" action="{SIGNUP}">' in page
        assert 'type="email" name="email"' in page
        assert re.findall(r"<script(?![^>]*application/ld\+json)", page) == []  # data only
    about = Page.objects.create(title="About", slug="about", body="Me.", status="published")
    assert "newsletter-signup" not in client.get(about.get_absolute_url()).content.decode()


def test_no_form_without_a_safe_url(settings):
    template = Template("{% load newsletter %}{% newsletter_signup %}")
    for unsafe in ("", "javascript:alert(1)", "ftp://letters.example.net/"):
        settings.NEWSLETTER_SIGNUP_URL = unsafe
        assert "<form" not in template.render(Context())


def test_the_csp_lets_the_form_post_to_the_service_origin():
    import importlib
    import os

    from site_cms.settings import base

    os.environ["NEWSLETTER_SIGNUP_URL"] = SIGNUP
    try:
        reloaded = importlib.reload(base)
        assert reloaded.SECURE_CSP["form-action"] == ["'self'", "https://letters.example.net"]
    finally:
        del os.environ["NEWSLETTER_SIGNUP_URL"]
        importlib.reload(base)


@pytest.mark.parametrize(
    "value",
    [
        "https://evil.example; script-src 'unsafe-inline' *",
        "https://letters.example.net/sub scribe",
        "javascript:alert(1)",
        "https://user:pw@letters.example.net/",
        "//letters.example.net/",
    ],
)
def test_a_signup_url_that_is_not_a_whole_web_url_stops_the_site(value):
    """Its origin goes into the CSP header as it is: a space or a semicolon there would
    add directives."""
    from site_cms.settings.base import web_url

    with pytest.raises(ImproperlyConfigured, match="NEWSLETTER_SIGNUP_URL"):
        web_url("NEWSLETTER_SIGNUP_URL", value)
    assert web_url("NEWSLETTER_SIGNUP_URL", SIGNUP) == SIGNUP
