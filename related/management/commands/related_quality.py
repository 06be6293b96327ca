"""``python manage.py related_quality <folder>``: precision@3 of the site's engine on a
folder of tagged Markdown posts, in memory (the site's own content is not touched)."""

from django.core.management.base import BaseCommand, CommandError

from related import quality


class Command(BaseCommand):
    help = (
        "Measure the related-content engine on a folder of Markdown posts with YAML front "
        "matter (title, tags, optionally description or summary): precision@3, with the tags "
        "hidden from the engine and given to it, against plain TF-IDF cosine."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder")

    def handle(self, *args, folder, **options):
        corpus = quality.load(folder)
        posts = corpus.documents
        if len(posts) < 2:
            raise CommandError(f"{folder}: fewer than two posts with tags to compare.")
        k = quality.K
        text, tagged = quality.evaluate(posts, with_tags=False), quality.evaluate(posts, True)
        write = self.stdout.write
        write(
            f"{corpus.files} Markdown files: {corpus.without_front_matter} without front matter, "
            f"{corpus.without_tags} without tags (left out), {len(posts)} posts measured."
        )
        write(f"A suggestion is relevant when it shares a tag with the post (k = {k}).")
        write(
            f"Random suggestions would score {quality.chance(posts, k):.3f}; a perfect ranking "
            f"{quality.ceiling(posts, k):.3f} ({quality.unmatched(posts)} posts share no tag "
            "with any other)."
        )
        write(
            f"Posts of {quality.MIN_WORDS} words or more without suggestions: "
            f"{text.without_suggestions_long}."
        )
        write(f"precision@{k} text-only: {text.precision:.3f} (baseline {text.baseline:.3f})")
        write(f"precision@{k} with tags: {tagged.precision:.3f} (baseline {tagged.baseline:.3f})")
        write(f"posts without suggestions: {text.without_suggestions} of {len(posts)}")
