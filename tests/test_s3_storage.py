"""Media on S3-compatible object storage (django-storages), against a real S3 server:
moto in server mode, started by the test on a local port (no network). Uploads through
the image library, renditions, public URLs in posts, and the export all go through
``default_storage`` unchanged."""

import socket
import subprocess
import sys
import time
import urllib.request
from io import BytesIO, StringIO

import boto3
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image as Pillow

from images.models import Image, storage_name

from .factories import EssayFactory

pytestmark = [pytest.mark.django_db, pytest.mark.gunicorn]
BUCKET = "site-media"
CREDENTIALS = {"access_key": "testing", "secret_key": "testing"}


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1).close()
            break
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline, "moto did not start"
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def s3(s3_server, settings):
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=BUCKET)
    client.put_bucket_policy(
        Bucket=BUCKET,
        Policy=(
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",'
            f'"Action":"s3:GetObject","Resource":"arn:aws:s3:::{BUCKET}/*"}}]}}'
        ),
    )
    # What base.py builds from AWS_STORAGE_BUCKET_NAME and AWS_S3_ENDPOINT_URL.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_server,
                "region_name": "us-east-1",
                "querystring_auth": False,
                "file_overwrite": False,
                **CREDENTIALS,
            },
        },
    }
    settings.MARKDOWN_POSTPROCESSORS = ["images.postprocess.responsive_images"]
    yield client
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client):
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def jpeg(size=(1200, 800)):
    out = BytesIO()
    Pillow.new("RGB", size, "teal").save(out, "JPEG")
    return SimpleUploadedFile("photo.jpg", out.getvalue(), "image/jpeg")


def test_the_settings_choose_s3_from_the_environment(monkeypatch):
    import importlib

    from site_cms.settings import base

    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "media")
    monkeypatch.setenv("AWS_S3_ENDPOINT_URL", "https://s3.example.com")
    try:
        reloaded = importlib.reload(base)
        storage = reloaded.STORAGES["default"]
        assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
        assert storage["OPTIONS"]["bucket_name"] == "media"
        assert storage["OPTIONS"]["endpoint_url"] == "https://s3.example.com"
        assert storage["OPTIONS"]["querystring_auth"] is False
    finally:
        monkeypatch.delenv("AWS_STORAGE_BUCKET_NAME")
        assert importlib.reload(base).STORAGES["default"]["BACKEND"].endswith("FileSystemStorage")


def test_an_upload_and_its_renditions_go_to_the_bucket_with_public_urls(s3, staff_client):
    response = staff_client.post(
        reverse("markdownx_upload"),
        {"image": jpeg(), "alt": "A teal field"},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code == 200, response.content
    image = Image.objects.get()
    stored = {image.file.name, *(r["name"] for r in image.renditions)}
    assert len(image.renditions) >= 4  # 480 and 960 px, each also in WebP
    assert stored == keys(s3)
    assert image.file.url.startswith(f"{default_storage.endpoint_url}/{BUCKET}/images/")
    assert "?" not in image.file.url  # public: no signature that expires
    # Readers fetch the files straight from the bucket.
    with urllib.request.urlopen(image.file.url, timeout=10) as served:
        assert Pillow.open(BytesIO(served.read())).size == (1200, 800)
    assert storage_name(image.file.url) == image.file.name


def test_a_post_serves_its_s3_image_with_srcset(s3, staff_client, client):
    staff_client.post(
        reverse("markdownx_upload"),
        {"image": jpeg(), "alt": "A teal field"},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    image = Image.objects.get()
    post = EssayFactory(status="published", body=image.markdown(), slug="field")
    page = client.get(post.get_absolute_url()).content.decode()
    for rendition in image.renditions:
        assert default_storage.url(rendition["name"]) in page
    assert "srcset=" in page


def test_the_export_reads_the_files_from_the_bucket(s3, staff_client, tmp_path):
    staff_client.post(
        reverse("markdownx_upload"),
        {"image": jpeg((300, 200)), "alt": "A teal field"},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    image = Image.objects.get()
    EssayFactory(status="published", body=image.markdown(), slug="exported")
    call_command("export_markdown", str(tmp_path), "--no-progress", stdout=StringIO())
    original = s3.get_object(Bucket=BUCKET, Key=image.file.name)["Body"].read()
    written = {
        path.relative_to(tmp_path).as_posix(): path.read_bytes() for path in tmp_path.rglob("*.jpg")
    }
    assert written, "no image was exported"
    assert all(data == original for data in written.values()), sorted(written)
    assert any(name.startswith("static/") for name in written)  # the image library


def test_the_export_copies_a_posts_s3_image_beside_it(s3, staff_client, tmp_path):
    staff_client.post(
        reverse("markdownx_upload"),
        {"image": jpeg((300, 200)), "alt": "A teal field"},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    image = Image.objects.get()
    EssayFactory(status="published", body=image.markdown(), slug="exported")
    call_command("export_markdown", str(tmp_path), "--no-progress", stdout=StringIO())
    [bundle] = (tmp_path / "content").rglob("exported/index.md")
    assert image.file.url not in bundle.read_text()
    assert list(bundle.parent.glob("*.jpg"))
