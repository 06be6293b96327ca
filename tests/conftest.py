import pytest


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.com", "pw")
    client.force_login(user)
    return client


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE']}"


def pytest_collection_finish(session):
    """Start the production site of tests/test_deploy.py now if a selected test needs it:
    its subprocesses (about 10 s of work) then run beside the other tests."""
    if session.config.option.collectonly:
        return
    if any("production_site" in getattr(item, "fixturenames", ()) for item in session.items):
        from tests.test_deploy import ProductionSite

        session.config.add_cleanup(ProductionSite.for_session().stop)
