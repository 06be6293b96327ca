from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from core.throttle import Throttle

from .models import Mention
from .receiving import Refused, check_source, target_post
from .tasks import verify_mention

# Every POST counts, accepted or refused: each can cost a fetch of another site, so one
# address may send at most 30 a minute (a site sending one per link of a post is far
# below). Counted in the shared cache, for every worker and server.
RECEIVING = Throttle("webmention", limit=30, seconds=60)


@csrf_exempt  # other sites post here; nothing of a session is read or changed
def webmention(request):
    """Accept ``source`` and ``target``, store the mention as pending and verify it later
    (a task): 202 Accepted, 400 with the reason, or 429 when the address sends too many.
    Any other method: 405, saying what the endpoint is for."""
    if request.method != "POST":
        response = HttpResponseNotAllowed(["POST"], content_type="text/plain")
        response.content = (
            "This is the site's Webmention endpoint (https://www.w3.org/TR/webmention/): "
            "POST source and target, form-encoded.\n"
        )
        return response
    if RECEIVING.blocked(request):
        return too_many(request)
    RECEIVING.failed(request)  # "failed" is the Throttle's word for "counted"
    source = request.POST.get("source", "").strip()
    target = request.POST.get("target", "").strip()
    try:
        post = target_post(request, target)
        check_source(request, source, target)
    except Refused as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain")
    with transaction.atomic():
        mention, _made = Mention.objects.update_or_create(
            writing=post,
            source=source,
            defaults={"target": target, "status": Mention.Status.PENDING, "error": ""},
        )
        transaction.on_commit(lambda: verify_mention.enqueue(mention.pk))
    return HttpResponse("Accepted: it will be verified.\n", status=202, content_type="text/plain")


def too_many(request):
    """429, with the seconds until this address's window ends."""
    wait = max(1, RECEIVING.retry_after(request))
    response = HttpResponse(
        f"Too many Webmentions from this address: try again in {wait} s.\n",
        status=429,
        content_type="text/plain",
    )
    response["Retry-After"] = str(wait)
    return response
