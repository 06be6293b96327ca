"""Pages that draw on several apps, and the site root's dispatcher."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.generic import RedirectView, TemplateView

from books.models import Book
from core.fragments import site_settings
from core.meta import PageMeta, person
from core.views import SitePageMixin
from essays.models import SECTION_HEADINGS, SECTIONS, Writing
from essays.views import WritingDetailView
from pages.context_processors import navigation_pages
from pages.models import Project
from pages.views import PageDetailView
from transfer import frontmatter
from transfer.exporter import body, front_matter

EPISODES_ON_PODCAST_PAGE = 20
POSTS_IN_LLMS_TXT = 30

_writing_detail = WritingDetailView.as_view()
_page_detail = PageDetailView.as_view()


class StaticFileRedirect(RedirectView):
    """/favicon.ico and the like: one permanent redirect to the static file, whose
    address (hashed in production) is only known once the app runs."""

    permanent = True
    name = ""

    def get_redirect_url(self, *args, **kwargs):
        return static(self.name)


def root_slug(request, slug):
    """/<slug>/: a post of any type, else a simple page (About, Work with me...). A post
    names its Webmention endpoint in a Link header too (the head has it as well)."""
    try:
        response = _writing_detail(request, slug=slug)
    except Http404:
        return _page_detail(request, slug=slug)
    endpoint = request.build_absolute_uri(reverse("indieweb:webmention"))
    response["Link"] = f'<{endpoint}>; rel="webmention"'
    return response


def markdown_twin(request, slug):
    """/<slug>.md: a public post's Markdown source with its front matter, as the export
    writes it (images linked at their absolute URLs here)."""
    posts = Writing.objects.published().with_specific().for_listing()
    post = get_object_or_404(posts, slug=slug).specific
    author = site_settings(request).author_name

    def absolute(url, _embedded):
        return request.build_absolute_uri(url) if url.startswith("/") else url

    front = front_matter(post, [], author)
    front["url"] = request.build_absolute_uri(post.get_absolute_url())
    # Trailing blanks at the very end mean nothing in Markdown (and a restore drops them).
    text = frontmatter.dump(front, body(post, absolute).rstrip())
    return HttpResponse(text, content_type="text/markdown; charset=utf-8")


def llms_txt(request):
    """/llms.txt (llmstxt.org): the site, its sections and its newest posts, each post
    linked to its Markdown twin."""
    posts = Writing.objects.published().newest()[:POSTS_IN_LLMS_TXT]
    sections = [(SECTION_HEADINGS[kind], section) for section, kind in SECTIONS.items()]
    context = {"site": site_settings(request), "sections": sections, "posts": list(posts)}
    return render(request, "llms.txt", context, content_type="text/plain; charset=utf-8")


class HomeView(SitePageMixin, TemplateView):
    """The author's landing page: hero book, bio, promo cards, projects, then the sidebars."""

    template_name = "home.html"

    def get_meta(self):
        site = self.site
        return PageMeta(
            description=site.short_bio or site.tagline, structured=[person(site, self.request)]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["hero"] = Book.objects.published().filter(home_hero=True).in_display_order().first()
        context["projects"] = list(Project.objects.filter(visible=True))
        pages = {page.slug: page for page in navigation_pages(self.request)}
        context["newsletter_page"] = pages.get("newsletter")
        context["work_page"] = pages.get("work-with-me")
        return context


class WritingHubView(SitePageMixin, TemplateView):
    """/writing/: an intro, then Featured writing, Books and Recent writing as the page itself."""

    template_name = "writing_hub.html"

    def get_meta(self):
        return PageMeta(
            title="Writing",
            description=self.site.writing_intro or f"Essays and notes by {self.site.author_name}.",
        )


class PodcastView(SitePageMixin, TemplateView):
    template_name = "podcast.html"

    def get_meta(self):
        site = self.site
        return PageMeta(
            title=site.podcast_title or "Podcast",
            description=site.podcast_description or f"The podcast of {site.author_name}.",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        episodes = Writing.objects.published().podcast_episodes().newest()
        context["episodes"] = list(episodes[:EPISODES_ON_PODCAST_PAGE])
        return context
