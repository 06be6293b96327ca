"""Hugo shortcodes: converted on import, or kept in the source, hidden from readers,
reported and named on the admin form; written back as they came on export."""

import shutil
import tempfile
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import TestCase

from core.markdown import render_markdown
from essays.models import Writing
from tests.test_import_export import GO_BLOG
from transfer import frontmatter
from transfer.body import export_text, import_text
from transfer.errors import Skip
from transfer.importer import Importer
from transfer.shortcodes import ORIGINALS_KEY, UNHANDLED, convert_shortcodes, names, parse

FRONT = {"title": "T", "Params": {"Author": "Ada"}, "subtitle": "Sub"}


def imported(text, front=FRONT, relink=lambda url, embedded: None):
    originals = []
    new, kept = import_text(text, relink, front, originals)
    return new, kept, originals


class ConversionTests(TestCase):
    def assertConverts(self, source, expected):
        text, kept, _originals = imported(source)
        self.assertEqual((text, kept), (expected, []))

    def test_figure(self):
        self.assertConverts('{{< figure src="a.png" alt="An A" >}}', "![An A](a.png)")
        self.assertConverts(
            '{{< figure src="a.png" alt="An A" link="https://x.org/" title="T" >}}',
            '[![An A](a.png "T")](https://x.org/)',
        )
        text, _kept, _originals = imported(
            'Before\n\n{{< figure src="a.png" caption="A *cap*" >}}\n'
        )
        self.assertIn(
            "<figure>\n\n![A cap](a.png)\n\n<figcaption>A *cap*</figcaption>\n</figure>", text
        )
        html = render_markdown(text)
        self.assertIn("<figure>", html)
        self.assertIn('alt="A cap"', html)
        self.assertIn("<figcaption>A *cap*</figcaption>", html)

    def test_a_figure_image_is_relinked(self):
        text, _kept, _originals = imported(
            '{{< figure src="a.png" alt="A" >}}', relink=lambda url, embedded: "/media/a.png"
        )
        self.assertEqual(text, "![A](/media/a.png)")

    def test_videos_become_links_not_iframes(self):
        self.assertConverts(
            "{{< youtube dQw4w9WgXcQ >}}",
            "[YouTube video](https://www.youtube.com/watch?v=dQw4w9WgXcQ)",
        )
        self.assertConverts(
            '{{< youtube id="dQw4w9WgXcQ" title="A song" >}}',
            "[A song](https://www.youtube.com/watch?v=dQw4w9WgXcQ)",
        )
        self.assertConverts("{{< vimeo 146022717 >}}", "[Vimeo video](https://vimeo.com/146022717)")
        html = render_markdown(imported("{{< youtube dQw4w9WgXcQ >}}")[0])
        self.assertNotIn("iframe", html)
        self.assertIn('href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"', html)

    def test_posts_and_gists_become_links(self):
        self.assertConverts(
            '{{< x user="SanDiegoZoo" id="1453110110599868418" >}}',
            "[Post by @SanDiegoZoo on X](https://x.com/SanDiegoZoo/status/1453110110599868418)",
        )
        self.assertConverts(
            "{{< tweet SanDiegoZoo 1453110110599868418 >}}",
            "[Post by @SanDiegoZoo on X](https://x.com/SanDiegoZoo/status/1453110110599868418)",
        )
        self.assertConverts(
            "{{< gist jmooring 23932424365401ffa5e9d9810102a477 list.html >}}",
            "[Gist list.html by jmooring](https://gist.github.com/jmooring/"
            "23932424365401ffa5e9d9810102a477#file-list-html)",
        )

    def test_highlight_becomes_a_fenced_block(self):
        source = (
            '{{< highlight go "linenos=table,hl_lines=2" >}}\n'
            'func main() {\n\tx := "`"\n}\n{{< /highlight >}}\n'
        )
        self.assertConverts(source, '```go\nfunc main() {\n\tx := "`"\n}\n```\n')
        self.assertConverts(
            "{{% highlight lang=python %}}\nprint(1)\n{{% /highlight %}}",
            "```python\nprint(1)\n```",
        )

    def test_details_become_details_with_markdown_inside(self):
        source = (
            '{{< details summary="See *more*" open=true >}}\n'
            "Some **bold**.\n\n{{< youtube abc >}}\n{{< /details >}}\n"
        )
        text, kept, _originals = imported(source)
        self.assertEqual(kept, [])
        self.assertTrue(text.startswith("<details open>\n<summary>See *more*</summary>\n"))
        html = render_markdown(text)
        self.assertIn("<details open", html)
        self.assertIn("<summary>See *more*</summary>", html)
        self.assertIn("<strong>bold</strong>", html)
        self.assertIn('href="https://www.youtube.com/watch?v=abc"', html)

    def test_param_and_qr(self):
        self.assertConverts('By {{< param "Params.author" >}}.', "By Ada.")
        self.assertConverts("{{% param subtitle %}}", "Sub")
        self.assertConverts('{{< qr text="https://gohugo.io" />}}', "https://gohugo.io")
        self.assertConverts("{{< qr >}}\nhello\n{{< /qr >}}", "hello")

    def test_a_missing_param_is_kept(self):
        self.assertEqual(
            imported("{{< param nothing >}}")[:2], ("{{< param nothing >}}", ["param"])
        )

    def test_a_ref_in_a_link_still_resolves(self):
        text, kept, _originals = imported(
            '[A]({{< relref "a.md" >}}).', relink=lambda url, embedded: "/a/"
        )
        self.assertEqual((text, kept), ("[A](/a/).", []))

    def test_a_shown_shortcode_becomes_code(self):
        self.assertConverts("Write {{</* figure src=x */>}}.", "Write ` {{< figure src=x >}} `.")

    def test_argument_forms(self):
        code = parse('{{% name pos "quoted \\"arg\\"" key="a b" other=`raw` bare=1 /%}}')
        self.assertEqual(code.name, "name")
        self.assertEqual(code.args, ["pos", 'quoted "arg"'])
        self.assertEqual(code.named, {"key": "a b", "other": "raw", "bare": "1"})
        self.assertTrue(parse("{{< /details >}}").closing)

    def test_the_entry_point_for_other_importers(self):
        text, kept = convert_shortcodes("{{< vimeo 1 >}} {{< notice >}}x{{< /notice >}}", {})
        self.assertEqual(text, "[Vimeo video](https://vimeo.com/1) {{< notice >}}x{{< /notice >}}")
        self.assertEqual(kept, ["notice"])


class KeptTests(TestCase):
    SOURCE = (
        "Intro {{< notice warning >}}careful{{< /notice >}} end.\n\n"
        '{{% callout type="info" %}}\n'
        "Inside.\n\n"
        "`{{< inline-code >}}` and\n\n"
        "```\n{{< fenced >}}\n```\n"
    )

    def test_unknown_ones_are_kept_verbatim_and_named(self):
        text, kept, originals = imported(self.SOURCE)
        self.assertEqual(text, self.SOURCE)
        self.assertEqual(kept, ["notice", "callout"])
        self.assertEqual(originals, [])
        self.assertEqual(names(text), ["notice", "callout"])

    def test_readers_get_nothing_of_them_but_code_keeps_them(self):
        html = render_markdown(self.SOURCE)
        self.assertIn("<p>Intro careful end.</p>", html)
        self.assertNotIn("callout", html)
        self.assertNotIn("notice", html)
        self.assertIn("<code>{{&lt; inline-code &gt;}}</code>", html)
        self.assertIn("<pre><code>{{&lt; fenced &gt;}}\n</code></pre>", html)
        self.assertNotIn("<p></p>", html)

    def test_export_writes_them_back_as_they_came(self):
        text, _kept, _originals = imported(self.SOURCE)
        self.assertEqual(export_text(text, lambda url, embedded: None), self.SOURCE)


class RoundTripTests(TestCase):
    SOURCE = (
        "Watch {{< youtube dQw4w9WgXcQ >}} now.\n\n"
        "{{< highlight go >}}\nx := 1\n{{< /highlight >}}\n\n"
        '{{< details summary="More" >}}\nHidden {{< vimeo 2 >}}.\n{{< /details >}}\n\n'
        "{{< youtube dQw4w9WgXcQ >}}\n\n"
        "{{< notice >}}kept{{< /notice >}}\n"
    )

    def test_converted_ones_are_exported_byte_identical(self):
        text, _kept, originals = imported(self.SOURCE)
        self.assertNotIn("{{< youtube", text)
        self.assertEqual(export_text(text, lambda url, embedded: None, originals), self.SOURCE)

    def test_an_edited_conversion_is_exported_as_it_is_now(self):
        text, _kept, originals = imported(self.SOURCE)
        text = text.replace("[YouTube video]", "[The video]", 1)
        exported = export_text(text, lambda url, embedded: None, originals)
        self.assertIn(
            "Watch [The video](https://www.youtube.com/watch?v=dQw4w9WgXcQ) now.", exported
        )
        self.assertIn("\n\n{{< youtube dQw4w9WgXcQ >}}\n\n", exported)  # the second one


class ImportExportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.site = Path(tempfile.mkdtemp())
        essays = cls.site / "content" / "essays"
        essays.mkdir(parents=True)
        cls.text = (
            "---\ntitle: Shortcodes\ndate: 2024-01-02T03:04:05Z\nsubtitle: Sub\n---\n\n"
            "Watch {{< youtube abc >}}.\n\n{{% notice tip %}}\nA tip.\n{{% /notice %}}\n\n"
            "By {{< param subtitle >}}.\n"
        )
        (essays / "shortcodes.md").write_text(cls.text, encoding="utf-8")
        cls.report = Importer(cls.site).run()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.site, ignore_errors=True)
        super().tearDownClass()

    def test_the_post_is_converted_hidden_and_reported(self):
        post = Writing.objects.get(slug="essays/shortcodes").specific
        self.assertIn("Watch [YouTube video](https://www.youtube.com/watch?v=abc).", post.body)
        self.assertIn("{{% notice tip %}}\nA tip.\n{{% /notice %}}", post.body)
        self.assertIn("By Sub.", post.body)
        self.assertNotIn("notice", post.body_html)
        self.assertIn("A tip.", post.body_html)  # what the kept pair encloses stays
        self.assertEqual(
            self.report.needs_attention(), [("content/essays/shortcodes.md", "notice")]
        )
        self.assertIn("Needs attention", "\n".join(self.report.lines(verbose=False)))
        self.assertIn(UNHANDLED, {reason for _path, reason, _detail in self.report.warnings})
        self.assertEqual(len(post.metadata[ORIGINALS_KEY]), 2)

    def test_the_admin_form_names_them(self):
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.create_superuser("admin", "a@example.com", "pw")
        self.client.force_login(user)
        post = Writing.objects.get(slug="essays/shortcodes")
        response = self.client.get(f"/admin/essays/essay/{post.pk}/change/")
        self.assertContains(response, "Not shown to readers, kept for export: notice")

    def test_export_gives_the_file_back(self):
        out = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, out, ignore_errors=True)
        call_command("export_markdown", str(out), stdout=StringIO(), stderr=StringIO())
        # No [permalinks]: the post kept Hugo's address, /essays/shortcodes/, and is
        # exported in its section's folder under that path.
        exported = (out / "content/essays/essays/shortcodes/index.md").read_text()
        _front, body = frontmatter.split(exported)
        self.assertEqual(body.strip(), self.text.split("---\n", 2)[2].strip())
        self.assertNotIn(ORIGINALS_KEY, exported)


@pytest.mark.corpus_full
@pytest.mark.skipif(not GO_BLOG.is_dir(), reason="the Go blog corpus is not here")
def test_go_blog_counts():
    """The Go blog is written in Go's present format, not Hugo shortcodes: none to convert
    or keep; its {{image}} directives become images, the rest stay visible as code."""
    files = converted = hidden = images = 0
    kept = Counter()
    for path in sorted(GO_BLOG.rglob("*.md")):
        try:
            front, body = frontmatter.split(path.read_text(encoding="utf-8"))
        except Skip:
            continue
        files += 1
        originals = []
        text, names_kept = import_text(body, lambda url, embedded: None, front, originals)
        converted += len(originals)
        hidden += len(names(text))
        kept.update(names_kept)
        images += body.count("{{image") - text.count("{{image")
    assert (files, converted, hidden) == (336, 0, 0)
    assert images == 311
    assert sum(kept.values()) == 335
    assert kept["play"] == 53
