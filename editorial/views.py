from django.conf import settings
from django.contrib import admin
from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.views import csrf

from core.throttle import Throttle
from essays.models import Writing
from essays.views import WritingDetailView

from .models import PREVIEW_SALT, PreviewLink

# Five wrong share links from one address, and it may try no more for 15 minutes.
SHARE_LINKS = Throttle("share-links")


class LinkEnded(Exception):
    """A real share link (its signature holds) that was revoked or has expired."""


class SharedPreviewView(WritingDetailView):
    """A post seen through a share link: signed, unexpired, unrevoked, or a 404.

    A link that was real but has ended gets a page that says so, and when, and leads to the
    post if it is published now (still a 404): its reviewer did nothing wrong, and it does
    not count against them as a guess would.
    """

    def dispatch(self, request, *args, **kwargs):
        if SHARE_LINKS.blocked(request):
            return render(request, "editorial/preview_throttled.html", status=429)
        try:
            return super().dispatch(request, *args, **kwargs)
        except LinkEnded as ended:
            link = ended.args[0]
            # Published since: the page says so and leads to it (the one rule, published()).
            live = Writing.objects.published().filter(pk=link.writing_id).first()
            context = {"revoked": link.revoked, "link": link, "live_post": live}
            response = render(request, "editorial/preview_ended.html", context, status=404)
            response["X-Robots-Tag"] = "noindex"
            patch_cache_control(response, no_store=True)
            return response
        except Http404:
            SHARE_LINKS.failed(request)
            raise

    def get_object(self, queryset=None):
        try:
            token = signing.Signer(salt=PREVIEW_SALT).unsign(self.kwargs["signed"])
        except signing.BadSignature:
            raise Http404("No such preview.") from None
        link = get_object_or_404(PreviewLink, token=token)
        if not link.is_live():
            raise LinkEnded(link)
        posts = Writing.objects.with_specific().for_listing()
        post = get_object_or_404(posts, pk=link.writing_id).specific
        self.preview = True
        self.shared_link = link
        return post

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["shared_link"] = self.shared_link
        return context


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW. In the admin, a save refused for a stale token (signed in again
    in another tab, a page open for days) explains itself and leads back to the form,
    where the browser's autosave offers the text again (static/editorial/desk.js).
    Elsewhere, Django's own page."""
    admin_prefix = "/admin/"
    if not request.path.startswith(admin_prefix):
        return csrf.csrf_failure(request, reason)
    context = {
        "title": "Not saved: the page had gone stale",
        "back": request.path,
        "site_header": admin.site.site_header,
        "debug_reason": reason if settings.DEBUG else "",
    }
    return render(request, "admin/editorial/csrf_failure.html", context, status=403)
