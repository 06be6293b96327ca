"""Create (or reset) the local admin account that ``make run`` prints. Development only."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Ensure a local superuser exists and print its credentials (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--port", default="8000", help="Only for the printed address.")
        parser.add_argument(
            "--password-file",
            default=str(Path(settings.BASE_DIR) / ".local-admin-password"),
            help="Where the generated password is kept, so that later runs print it again.",
        )

    def handle(self, *args, username, password_file, port, **options):
        if not settings.DEBUG:
            raise CommandError("local_admin is for development only (DEBUG is off).")
        path = Path(password_file)
        password = path.read_text().strip() if path.exists() else ""
        if not password:
            password = secrets.token_urlsafe(12)
            path.write_text(password + "\n")
            path.chmod(0o600)
        User = get_user_model()
        user, _created = User.objects.get_or_create(username=username)
        user.is_staff = user.is_superuser = user.is_active = True
        if not user.check_password(password):
            user.set_password(password)
        user.save()
        # The author's role too, so that the account matches what the README describes.
        author = Group.objects.filter(name="Author").first()
        if author is not None:
            user.groups.add(author)
        self.stdout.write(
            self.style.SUCCESS(
                f"Admin: http://127.0.0.1:{port}/admin/  username: {username}  password: {password}"
            )
        )
