import re

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# Hugo and Jekyll slugs may carry dots ("go1.5"), so this is wider than SlugField.
SLUG_PATTERN = r"[-a-zA-Z0-9_.]+"

validate_path_slug = RegexValidator(
    re.compile(rf"^(?!\.)(?!.*\.\.){SLUG_PATTERN}(?<!\.)\Z"),
    _("Use letters, numbers, hyphens, underscores and dots (not at either end)."),
    "invalid",
)
