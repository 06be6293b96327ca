"""The import records in the admin: readable, never edited by hand."""

import pytest
from django.urls import reverse

from transfer.models import ImportRecord

from .factories import EssayFactory

pytestmark = pytest.mark.django_db


def test_the_author_reads_what_each_import_wrote(admin_client):
    post = EssayFactory(slug="kept")
    ImportRecord.objects.create(slug="kept", post=post, source="content/posts/kept.md")
    ImportRecord.objects.create(slug="gone", post=None, source="content/posts/gone.md")
    url = reverse("admin:transfer_importrecord_changelist")
    html = admin_client.get(url).content.decode()
    assert "content/posts/kept.md" in html and "content/posts/gone.md" in html
    deleted = admin_client.get(url, {"post__isempty": "1"}).content.decode()
    assert "content/posts/gone.md" in deleted and "content/posts/kept.md" not in deleted
    assert admin_client.get(reverse("admin:transfer_importrecord_add")).status_code == 403
    record = ImportRecord.objects.get(slug="kept")
    change = reverse("admin:transfer_importrecord_change", args=[record.pk])
    assert admin_client.post(change, {"source": "x"}).status_code == 403
    assert ImportRecord.objects.get(slug="kept").source == "content/posts/kept.md"
