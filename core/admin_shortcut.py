"""The admin's "view on site" redirect (``/admin/r/<type>/<id>/``), fenced.

Django's own answers any staff member with the object's address: a contributor could
learn the slug of someone else's draft from the ``Location``. Here it answers only whom
the object's admin would show it to (``get_queryset`` keeps a contributor to their own
drafts); anyone else gets a 404, as for an object that does not exist.
"""

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.http import Http404


@staff_member_required
def view_on_site(request, content_type_id, object_id):
    content_type = ContentType.objects.filter(pk=content_type_id).first()
    model = content_type.model_class() if content_type else None
    model_admin = admin.site._registry.get(model)
    if model_admin is None or not model_admin.has_view_or_change_permission(request):
        raise Http404
    try:
        visible = model_admin.get_queryset(request).filter(pk=object_id).exists()
    except (ValueError, TypeError):
        visible = False
    if not visible:
        raise Http404
    return shortcut(request, content_type_id, object_id)
