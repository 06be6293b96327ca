from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import Mention
from .receiving import Refused, check_source, target_post
from .tasks import verify_mention


@csrf_exempt  # other sites post here; nothing of a session is read or changed
@require_POST
def webmention(request):
    """Accept ``source`` and ``target``, store the mention as pending and verify it later
    (a task): 202 Accepted, or 400 with the reason."""
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
