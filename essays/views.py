from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.generic import DetailView, ListView

from core.meta import PageMeta
from core.views import SitePageMixin

from .meta import writing_meta
from .models import SECTIONS, Tag, Writing

PAGE_SIZE = 20


class WritingDetailView(SitePageMixin, DetailView):
    """Any post, whatever its type, at /<slug>/.

    The public sees published posts only. Staff who may change a post also see it
    before then, as a preview: a banner, noindex, and never cached.
    """

    context_object_name = "post"
    preview = False

    def get_queryset(self):
        posts = Writing.objects.with_specific().for_listing()
        # Staff may preview; get_object checks the permission on the post itself.
        return posts if self.request.user.is_staff else posts.published()

    def get_object(self, queryset=None):
        post = super().get_object(queryset).specific
        if not post.is_published():
            if not post.can_be_previewed_by(self.request.user):
                raise Http404("No such post.")
            self.preview = True
        return post

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if self.preview:
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex"
        return response

    def get_template_names(self):
        return [f"essays/{self.object.kind}_detail.html", "essays/writing_detail.html"]

    def get_meta(self):
        meta = writing_meta(self.object, self.site, self.request)
        meta.noindex = self.preview
        return meta

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["preview"] = self.preview
        if self.object.kind == Writing.Kind.REFLECTION:
            context["previous_post"], context["next_post"] = self.object.neighbours()
        return context


class ArchiveMixin(SitePageMixin):
    """A paginated list of posts at /<base>/ and /<base>/page/N/.

    Page 1 lives at the base URL only; a page number out of range, or not a number,
    is a 404.
    """

    paginate_by = PAGE_SIZE
    page_kwarg = "page"
    allow_empty = True
    template_name = "essays/archive.html"
    url_name = None

    def url_kwargs(self):
        return {}

    def titled(self, title):
        """Each page of a list has its own title."""
        number = self.kwargs.get(self.page_kwarg, 1)
        return title if number == 1 else f"{title} (page {number})"

    def page_url(self, number):
        if number == 1:
            return reverse(f"essays:{self.url_name}", kwargs=self.url_kwargs())
        return reverse(f"essays:{self.url_name}-page", kwargs={**self.url_kwargs(), "page": number})

    def get(self, request, *args, **kwargs):
        if kwargs.get("page") == 1:
            return redirect(self.page_url(1), permanent=True)
        return super().get(request, *args, **kwargs)

    def paginate_queryset(self, queryset, page_size):
        # Only the URL's page number counts, never ?page=.
        number = self.kwargs.get(self.page_kwarg, 1)
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        if number < 1 or number > paginator.num_pages:
            raise Http404("No such page.")
        page = paginator.page(number)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        context["previous_url"] = page.has_previous() and self.page_url(page.number - 1)
        context["next_url"] = page.has_next() and self.page_url(page.number + 1)
        context["canonical_path"] = self.page_url(page.number)
        return context


class BlogView(ArchiveMixin, ListView):
    url_name = "blog"
    template_name = "essays/blog.html"

    def get_meta(self):
        description = self.site.blog_strapline or f"Everything {self.site.author_name} has written."
        return PageMeta(title=self.titled("Blog"), description=description)

    def get_queryset(self):
        return Writing.objects.published().newest().for_listing()


class SectionView(ArchiveMixin, ListView):
    """The list of one type: essays, article analyses or dev reflections."""

    url_name = "section"

    def url_kwargs(self):
        return {"section": self.kwargs["section"]}

    def get_queryset(self):
        self.kind = Writing.Kind(SECTIONS[self.kwargs["section"]])
        return Writing.objects.published().of_kind(self.kind).newest().for_listing()

    def get_meta(self):
        heading = str(Writing.section_heading(self.kind))
        description = f"{heading} by {self.site.author_name}, newest first."
        return PageMeta(title=self.titled(heading), description=description)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["heading"] = Writing.section_heading(self.kind)
        context["feed_section"] = self.kwargs["section"]
        return context


class TagView(ArchiveMixin, ListView):
    url_name = "tag"
    template_name = "essays/tag.html"

    def url_kwargs(self):
        return {"tag": self.kwargs["tag"]}

    def get_queryset(self):
        # A tag with no published post does not exist for readers.
        self.tag = get_object_or_404(Tag.objects.in_use(), slug=self.kwargs["tag"])
        return Writing.objects.published().filter(tags=self.tag).newest().for_listing()

    def get_meta(self):
        description = f"Writing by {self.site.author_name} tagged “{self.tag.name}”."
        return PageMeta(title=self.titled(f"Tagged “{self.tag.name}”"), description=description)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tag"] = self.tag
        context["feed_tag"] = self.tag
        return context


class TagIndexView(SitePageMixin, ListView):
    template_name = "essays/tag_index.html"
    context_object_name = "tags"

    def get_queryset(self):
        return Tag.objects.in_use().with_post_counts().order_by("name")

    def get_meta(self):
        return PageMeta(
            title="Tags", description=f"Every topic {self.site.author_name} writes about."
        )
