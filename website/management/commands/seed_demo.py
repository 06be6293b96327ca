"""Load the seed page's content: ``python manage.py seed_demo``. Safe to run again.

It fills an empty site only: once there is any post, book or page, it changes
nothing, so ``make run`` (which calls it every time) never overwrites the author's
work. ``--force`` puts the demo's rows back as the seed shows them (development only).

Only text that the seed page shows is used. Where it shows no body, the body is one
line saying so. Dates are fixed so that "Recent writing" lists what the seed lists.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand
from django.db import transaction

from books.models import Book
from core.models import SiteSettings
from core.publishing import Status
from essays.models import ArticleAnalysis, DevReflection, Essay, Tag, Writing
from pages.models import Page, Project
from related.models import RelatedChoice

UTC = ZoneInfo("UTC")
PLACEHOLDER = "*Placeholder: the seed page does not include this post's body.*"


def at(*args):
    return datetime(*args, tzinfo=UTC)


MICRO_SUMMARY = (
    "The article “The Rise Of The Micro-Credentials Movement: Validating Skills Beyond "
    "Traditional Degrees” by Aditya Malik explores how micro-credentials are emerging as a vital "
    "complement to traditional education in workforce development, emphasizing their role in "
    "addressing the growing skills gap. Malik argues that while traditional degrees require "
    "significant investment and act as employment gatekeepers, they often result in a skills "
    "mismatch with the evolving demands of the modern workplace. Micro-credentials, described as "
    "small, targeted courses like nanodegrees and industry-specific certifications, present a "
    "cost-effective and flexible alternative that allows individuals and organizations to quickly "
    "address skill gaps, reskill, and upskill. By citing the IDC Digital Skilling Survey, which "
    "indicates a preference for micro-credentials among 60% of organization leaders, the article "
    "underscores their importance in real-world scenarios. Furthermore, micro-credentials enhance "
    "agility in hiring, reduce talent gaps, and validate skills in real-time, attributes that are "
    "crucial for both employees and employers in creating a future-ready workforce. Challenges "
    "such as verifying the credibility of credentials are acknowledged, suggesting the need for "
    "employers to play an active role in driving upskilling motivation. The integration of AI and "
    "data analytics is highlighted as a means to enhance personalized learning and performance "
    "tracking, ultimately fostering better retention, engagement, and the in-house development of "
    "leadership skills. The article concludes by asserting that the strategic integration of "
    "micro-credentials into corporate strategy will lead to improved productivity and employee "
    "well-being, positioning them as an essential tool for contemporary workforce development."
)

MICRO_ANALYSIS = (
    "From my perspective, the article effectively highlights the benefits of micro-credentials, "
    "aligning with my belief in the necessity of future-proofing through technology and lifelong "
    "learning. The analogy comparing micro-credentials to supplements and traditional degrees to "
    "full meals aptly illustrates their complementary nature. However, the argument could be "
    "strengthened with more detailed examples of organizations successfully implementing "
    "micro-credentials. While the article references surveys underscoring the preference for "
    "these credentials, it lacks depth in exploring how micro-credentials specifically address "
    "skills mismatches in different industries.\n\n"
    "The piece assumes that the availability of micro-credentials will intrinsically drive "
    "engagement and reskilling, yet it neglects to thoroughly address motivation barriers or how "
    "companies can overcome these challenges, aside from vague mentions of employer-driven "
    "motivation. Furthermore, while the article acknowledges the need for verification of "
    "micro-credentials, it glosses over how organizations can effectively assess their "
    "authenticity without additional burden. My focus on AI as an augmentative tool could deepen "
    "the argument, advocating for AI-driven platforms in evaluating and curating these "
    "credentials for organizations, thus ensuring quality and relevance. In sum, while the article "
    "supports the micro-credentials movement, a more robust discussion on integration strategies "
    "and potential technology collaborations would enhance its practical application and appeal."
)

MICRO_SOURCE = (
    "The Rise Of The Micro-Credentials Movement: Validating Skills Beyond Traditional Degrees"
)

ANALYSES = [
    {
        "slug": "article-analysis-the-rise-of-the-micro-credentials-movement",
        "source_title": MICRO_SOURCE,
        "source_author": "Aditya Malik",
        # The seed links the source but does not show the address: a placeholder.
        "source_url": "https://example.com/the-rise-of-the-micro-credentials-movement",
        "description": (
            "Explore how micro-credentials bridge skill gaps, enhance hiring, and offer "
            "affordable, flexible learning options for today's workforce demands."
        ),
        "quote": (
            "Micro-credentials immediately contribute to addressing skill gaps, help reskill and "
            "upskill, and are rather affordable and accessible."
        ),
        "summary": MICRO_SUMMARY,
        "analysis": MICRO_ANALYSIS,
        "publish_at": at(2024, 10, 7, 12),
    },
    {
        "slug": "article-analysis-not-using-ai-is-disservice-to-students",
        "source_title": "Not using AI is “disservice” to students",
        "description": (
            "Integrate AI in education to enhance learning and prepare students for future jobs, "
            "ensuring they thrive in an AI-driven world."
        ),
        "publish_at": at(2024, 10, 5, 12),
    },
    {
        "slug": "article-analysis-course-overview-business-opportunities-generative-ai",
        "source_title": (
            "Course Overview - Business Opportunities and Applications of Generative AI"
        ),
        "description": (
            "Discover how to leverage generative AI for business growth and explore its diverse "
            "applications in our comprehensive course overview."
        ),
        "publish_at": at(2024, 10, 4, 12),
    },
    {
        "slug": "article-analysis-the-future-of-corporate-learning-and-employee-engagement",
        "source_title": (
            "The Future Of Corporate Learning And Employee Engagement: Why Traditional Training "
            "Is Dead"
        ),
        "description": (
            "Explore how AI and immersive technologies are reshaping corporate learning, making "
            "traditional training methods obsolete and enhancing employee engagement."
        ),
        "publish_at": at(2024, 10, 3, 12),
    },
]

ESSAYS = [
    {
        "slug": "why-customer-tools-are-organized-wrong",
        "title": "Why customer tools are organized wrong",
        "description": (
            "This article reveals a fundamental flaw in how customer support tools are "
            "designed—organizing by interaction type instead of by customer—and explains why this "
            "fragmentation wastes time and obscures the full picture you need to help users "
            "effectively."
        ),
        "featured": True,
        "publish_at": at(2025, 11, 20, 12),
    },
    {
        "slug": "busy-is-not-a-state",
        "title": "Busy is not a state",
        "description": (
            "We've built work cultures that reward activity, even when nothing actually changes. "
            "In technical systems, activity doesn't count—only state change does. This essay "
            'explores why "busy" has become the most misleading signal we have, and how focusing '
            "on state instead of motion makes work more honest, less draining, and actually "
            "productive."
        ),
        "featured": True,
        "publish_at": at(2025, 11, 10, 12),
    },
    {
        "slug": "infrastructure-shapes-thought",
        "title": "Infrastructure shapes thought",
        "description": (
            "The tools you build determine what kinds of thinking become possible. On "
            "infrastructure, friction, and building deliberately for thought rather than just "
            "throughput."
        ),
        "featured": True,
        "publish_at": at(2025, 11, 1, 12),
    },
    {
        "slug": "textorium-is-live-on-the-app-store",
        "title": "Textorium is live on the App Store",
        "description": (
            "Textorium launches on Mac App Store - a native editor for Hugo, Jekyll & Eleventy "
            "that manages hundreds of posts with table views and smart filtering."
        ),
        "publish_at": at(2026, 1, 27, 18),
    },
]

# The seed shows only the first 197 characters of each reflection.
REFLECTIONS = [
    {
        "slug": "dev-reflection-january-28-2026",
        "title": "Dev reflection - January 28, 2026",
        "opening": (
            "So here's something I've been sitting with lately. There's this gap—a subtle "
            "one—between a system that's running and a system that's actually working. And I "
            "don't mean broken versus not broken. I m"
        ),
        "publish_at": at(2026, 1, 28, 12),
    },
    {
        "slug": "dev-reflection-january-27-2026",
        "title": "Dev reflection - January 27, 2026",
        "opening": (
            "So here's something I've been sitting with this week. I've been building systems "
            "that generate content—podcast scripts, social media posts, that kind of thing—and "
            "almost immediately after getting t"
        ),
        "publish_at": at(2026, 1, 27, 12),
    },
]

BOOKS = [
    {
        "slug": "the-work-of-being",
        "title": "The Work of Being",
        "description": "A book on AI, judgment, and staying human at work.",
        "display_order": 1,
    },
    {
        "slug": "the-practice-of-work",
        "title": "The Practice of Work",
        "description": "Practical essays on how work actually gets done.",
        "display_order": 2,
    },
]


PAGES = [
    {"slug": "newsletter", "title": "Newsletter", "nav_order": 1},
    {"slug": "work-with-me", "title": "Work with me", "nav_order": 2},
    {"slug": "about", "title": "About", "nav_order": 3},
]

PROJECTS = [
    {
        "name": "Textorium",
        "one_liner": "A native editor for Hugo, Jekyll & Eleventy.",
        "display_order": 1,
    },
]


def has_content():
    return any(model.objects.exists() for model in (Writing, Book, Page))


class Command(BaseCommand):
    help = "Load the seed page's demo content into an empty site."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load it even if the site has content: the demo's own rows are reset.",
        )

    @transaction.atomic
    def handle(self, *args, force=False, **options):
        if has_content() and not force:
            self.stdout.write("The site has content: demo content not loaded.")
            return
        counts = {"created": 0, "updated": 0}

        def upsert(model, slug, **fields):
            obj = model.objects.filter(slug=slug).first() or model(slug=slug)
            counts["updated" if obj.pk else "created"] += 1
            for name, value in fields.items():
                setattr(obj, name, value)
            obj.save()
            return obj

        for data in ANALYSES:
            data = dict(data)
            upsert(
                ArticleAnalysis,
                data.pop("slug"),
                title="",
                summary=data.pop("summary", PLACEHOLDER),
                analysis=data.pop("analysis", PLACEHOLDER),
                status=Status.PUBLISHED,
                **data,
            )
        # The seed page lists these three under "Notes and related thinking", in this order.
        micro = ArticleAnalysis.objects.get(slug=ANALYSES[0]["slug"])
        for position, data in enumerate(ANALYSES[1:]):
            RelatedChoice.objects.update_or_create(
                source=micro,
                target_id=ArticleAnalysis.objects.get(slug=data["slug"]).pk,
                defaults={"action": RelatedChoice.Action.PIN, "position": position},
            )
        for data in ESSAYS:
            data = dict(data)
            upsert(Essay, data.pop("slug"), body=PLACEHOLDER, status=Status.PUBLISHED, **data)
        development, _created = Tag.objects.get_or_create(
            slug="development", defaults={"name": "development"}
        )
        for data in REFLECTIONS:
            data = dict(data)
            opening = data.pop("opening")
            body = f"{opening}… *(Placeholder: the seed page shows only this opening.)*"
            reflection = upsert(
                DevReflection, data.pop("slug"), body=body, status=Status.PUBLISHED, **data
            )
            reflection.tags.add(development)
        for data in BOOKS:
            data = dict(data)
            upsert(
                Book,
                data.pop("slug"),
                stage=Book.Stage.IN_PROGRESS,
                status=Status.PUBLISHED,
                publish_at=at(2025, 1, 1),
                **data,
            )
        for data in PAGES:
            data = dict(data)
            upsert(
                Page,
                data.pop("slug"),
                body="*Placeholder: write this page in the admin, under Pages.*",
                status=Status.PUBLISHED,
                publish_at=at(2025, 1, 1),
                **data,
            )
        for data in PROJECTS:
            Project.objects.update_or_create(name=data["name"], defaults=data)
        site = SiteSettings.load()
        if not site.short_bio:
            site.short_bio = "Placeholder: a short first-person bio, edited under Site settings."
            site.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content: {counts['created']} created, {counts['updated']} updated."
            )
        )
