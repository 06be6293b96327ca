"""Pages that draw on several apps, and the site root's dispatcher."""

from django.http import Http404
from django.views.generic import TemplateView

from books.models import Book
from core.meta import PageMeta, person
from core.views import SitePageMixin
from essays.models import Writing
from essays.views import WritingDetailView
from pages.context_processors import navigation_pages
from pages.models import Project
from pages.views import PageDetailView

EPISODES_ON_PODCAST_PAGE = 20

_writing_detail = WritingDetailView.as_view()
_page_detail = PageDetailView.as_view()


def root_slug(request, slug):
    """/<slug>/: a post of any type, else a simple page (About, Work with me...)."""
    try:
        return _writing_detail(request, slug=slug)
    except Http404:
        return _page_detail(request, slug=slug)


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
