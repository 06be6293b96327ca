from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import redirects
from .models import Redirect
from .publishing import State
from .safe_urls import redirect_target_problem


class StateFilter(admin.SimpleListFilter):
    """Filter by what a reader sees: draft, scheduled, published or expired."""

    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return State.choices

    def queryset(self, request, queryset):
        match self.value():
            case State.DRAFT:
                return queryset.drafts()
            case State.SCHEDULED:
                return queryset.scheduled()
            case State.PUBLISHED:
                return queryset.published()
            case State.EXPIRED:
                return queryset.expired()
        return queryset


class PublishableAdmin(admin.ModelAdmin):
    """What every publishable type's admin shares: its state, filters and dates."""

    date_hierarchy = "publish_at"
    list_filter = [StateFilter]

    @admin.display(description=_("state"), ordering="publish_at")
    def state_display(self, obj):
        return obj.state_label


class RedirectForm(forms.ModelForm):
    class Meta:
        model = Redirect
        fields = ["old_path", "new_path"]

    def clean_old_path(self):
        old_path = redirects.normalise(self.cleaned_data["old_path"])
        if "\\" in old_path or "\x00" in old_path:
            raise forms.ValidationError(_("A backslash or control character is no address."))
        if old_path == "/" or redirects.is_live(old_path):
            raise forms.ValidationError(
                _(
                    "Something lives at %(path)s now (a post, a page, or a page of the site): "
                    "a redirect from it would take readers away from it. Change or delete "
                    "that first."
                )
                % {"path": old_path}
            )
        return old_path

    def clean_new_path(self):
        target = redirects.normalise_target(self.cleaned_data["new_path"])
        if problem := redirect_target_problem(target):
            raise forms.ValidationError(problem)
        return target

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("old_path") and cleaned.get("old_path") == cleaned.get("new_path"):
            raise forms.ValidationError(_("A redirect must lead somewhere else."))
        return cleaned

    def validate_unique(self):
        # add_redirect replaces an existing redirect from the same path.
        pass


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    """Old addresses that answer with a permanent redirect. Chains collapse to one hop."""

    form = RedirectForm
    list_display = ["old_path", "new_path", "created"]
    search_fields = ["old_path", "new_path"]

    def save_model(self, request, obj, form, change):
        if change:
            Redirect.objects.filter(pk=obj.pk).delete()
        saved = redirects.add_redirect(obj.old_path, obj.new_path)
        obj.pk, obj.created = saved.pk, saved.created
