from urllib.parse import urlencode

from django.http import Http404
from django.urls import reverse
from django.views.generic import ListView

from core.meta import PageMeta
from core.views import SitePageMixin
from essays.models import Writing

from .backends import search_for
from .forms import SearchForm

PAGE_SIZE = 20


class SearchView(SitePageMixin, ListView):
    """/search/?q=words&page=N over published writing. No q: the form alone.

    The page number is ``?page=`` here (the query is in the query string anyway); a
    malformed or out-of-range number is a 404, and page 1 has no ``page``.
    """

    template_name = "search/results.html"
    context_object_name = "posts"
    paginate_by = PAGE_SIZE

    def get(self, request, *args, **kwargs):
        self.form = SearchForm(request.GET if "q" in request.GET else None)
        self.query = self.form.cleaned_data["q"] if self.form.is_valid() else ""
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        posts = Writing.objects.published().for_listing()
        if not self.query:
            return posts.none()
        self.search = search_for(self.query, using=posts.db)
        return self.search.results(posts)

    def paginate_queryset(self, queryset, page_size):
        raw = self.request.GET.get("page", "1")
        # A length cap as well: int() refuses strings of thousands of digits.
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 6):
            raise Http404("No such page.")
        number = int(raw)
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        if number < 1 or number > paginator.num_pages:
            raise Http404("No such page.")
        page = paginator.page(number)
        page.object_list = list(page.object_list)
        for post in page.object_list:
            post.snippet = self.search.snippet(post)
        return paginator, page, page.object_list, page.has_other_pages()

    def page_url(self, number):
        params = {"q": self.query, **({"page": number} if number > 1 else {})}
        return f"{reverse('search:results')}?{urlencode(params)}"

    def get_meta(self):
        title = f"Search: “{self.query}”" if self.query else "Search"
        return PageMeta(
            title=title, description=f"Search the writing of {self.site.author_name}.", noindex=True
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        context["form"] = self.form
        context["query"] = self.query
        context["previous_url"] = page.has_previous() and self.page_url(page.number - 1)
        context["next_url"] = page.has_next() and self.page_url(page.number + 1)
        return context
