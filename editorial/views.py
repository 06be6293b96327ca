from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from core.throttle import Throttle
from essays.models import Writing
from essays.views import WritingDetailView

from .models import PREVIEW_SALT, PreviewLink

# Five wrong share links from one address, and it may try no more for 15 minutes.
SHARE_LINKS = Throttle("share-links")


class SharedPreviewView(WritingDetailView):
    """A post seen through a share link: signed, unexpired, unrevoked, or a 404."""

    def dispatch(self, request, *args, **kwargs):
        if SHARE_LINKS.blocked(request):
            return render(request, "editorial/preview_throttled.html", status=429)
        try:
            return super().dispatch(request, *args, **kwargs)
        except Http404:
            SHARE_LINKS.failed(request)
            raise

    def get_object(self, queryset=None):
        try:
            token = signing.Signer(salt=PREVIEW_SALT).unsign(self.kwargs["signed"])
        except signing.BadSignature:
            raise Http404("No such preview.") from None
        link = get_object_or_404(PreviewLink.objects.live(), token=token)
        posts = Writing.objects.with_specific().for_listing()
        post = get_object_or_404(posts, pk=link.writing_id).specific
        self.preview = True
        self.shared_link = link
        return post

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["shared_link"] = self.shared_link
        return context
