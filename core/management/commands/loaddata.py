"""Django's ``loaddata``, with what follows posts rebuilt once at the end
(``core.loading``), instead of row by row while the fixture's rows are half there."""

from django.core.management.commands import loaddata
from django.db import transaction

from core.loading import fixtures_loaded, loading


class Command(loaddata.Command):
    def handle(self, *fixture_labels, **options):
        with loading():
            super().handle(*fixture_labels, **options)
        using = options["database"]
        transaction.on_commit(lambda: fixtures_loaded.send(sender=Command, using=using), using)
