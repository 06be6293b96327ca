"""Notes for editors: a thread of short notes on a post's form, for staff only.

Notes are added, never edited: an old note is read-only, a new one is one text box.
A form posted without the thread's management data (an older page, a script) is read as
adding no note, so that saving the post never fails for want of it.
"""

from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ..models import EditorNote


class NoteFormSet(BaseInlineFormSet):
    def __init__(self, data=None, *args, prefix=None, **kwargs):
        name = f"{prefix or self.get_default_prefix()}-TOTAL_FORMS"
        if data is not None and name not in data:
            data = data.copy()
            data[name] = "0"
            data[name.replace("TOTAL", "INITIAL")] = "0"
        super().__init__(data, *args, prefix=prefix, **kwargs)


class EditorNoteInline(admin.TabularInline):
    model = EditorNote
    formset = NoteFormSet
    fk_name = "writing"
    extra = 1
    fields = ["text", "created_by", "written"]
    readonly_fields = ["created_by", "written"]
    verbose_name = _("note for editors")
    verbose_name_plural = _("notes for editors (staff only; readers never see them)")
    classes = ["editor-notes"]

    def has_change_permission(self, request, obj=None):
        return False  # a note stands as written

    @admin.display(description=_("written"))
    def written(self, note):
        """When a saved note was written; nothing for the empty row of a new one."""
        if note is None or note.pk is None:
            return ""
        return date_format(timezone.localtime(note.created), "DATETIME_FORMAT")

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["widgets"] = {"text": admin.widgets.AdminTextareaWidget(attrs={"rows": 2})}
        return super().get_formset(request, obj, **kwargs)
