from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_POST

from core.markdown import render_markdown

from .forms import UploadForm
from .models import Image


@staff_member_required
@require_POST
def upload(request):
    """The editor's image upload: ``{"image_code": "![](url)"}``, or errors with status 400.

    The alt text (or the decorative mark) is kept in the library record only, and the
    Markdown leaves its alt empty: readers get the library's text, corrected there for
    every post that shows the image (``Image.markdown``).

    The errors are the form's, as ``{"field": ["message", ...]}``. markdownx's script
    treats every answer as a success and, when it finds no ``image_code``, types the bare
    words "Invalid response" into the post. So a refusal carries its message in
    ``image_code`` too: the author reads why, where the image would have gone.
    """
    if not request.user.has_perm("images.add_image"):
        message = "You may not upload images."
        return JsonResponse({"image": [message], "image_code": f"[{message}]"}, status=403)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        image = Image(
            file=form.cleaned_data["image"],
            alt=form.cleaned_data["alt"],
            decorative=form.cleaned_data["decorative"],
        )
        image.save()  # stores what the form decoded and checked
        return JsonResponse({"image_code": image.markdown()})
    errors = {field: list(messages) for field, messages in form.errors.items()}
    return JsonResponse({**errors, "image_code": refusal(request, errors)}, status=400)


def refusal(request, errors):
    """The words the editor shows: "[Not uploaded: cat.svg. Only JPEG, PNG, GIF and ...]"."""
    upload = request.FILES.get("image")
    name = " ".join(upload.name.split()).translate({ord("["): "(", ord("]"): ")"}) if upload else ""
    reasons = " ".join(message for messages in errors.values() for message in messages)
    return f"[Not uploaded: {name}. {reasons}]" if name else f"[Not uploaded. {reasons}]"


@staff_member_required
@require_POST
def markdown_preview(request):
    """markdownx's live preview, through the site's one sanitiser."""
    return HttpResponse(render_markdown(request.POST.get("content", "")))
