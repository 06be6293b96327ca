"""The site's own date formats, over Django's for English (``FORMAT_MODULE_PATH``)."""
