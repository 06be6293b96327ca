"""What the importer tells the apps above it.

``overwriting`` is sent with ``instance`` (the post or page as it is now, as its own
type) just before ``import_markdown --force`` or ``import_wordpress --force`` overwrites
one edited since it was last imported, so that whatever keeps revisions can keep this
state first. Transfer imports none of them.
"""

from django.dispatch import Signal

overwriting = Signal()
