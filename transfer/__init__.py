"""Moving posts in and out as Markdown with front matter.

``import_markdown <folder>`` reads a Hugo, Jekyll or Go blog folder; ``export_markdown
<folder>`` writes every post back out in Hugo's page-bundle layout, which the importer
reads back to the same posts. The pipeline, one module each:

- ``sources``: which files are posts, and reading them; ``frontmatter``: YAML/TOML;
- ``mapper`` (with ``kinds``, ``authors``, ``analysis``, ``values``): front matter to fields;
- ``markup`` and ``body``: template directives kept visible, image links rewritten;
- ``images``: image files into media and back; ``importer``, ``exporter``, ``report``;
- ``models``: what the last import wrote to each post, so that running it again leaves
  alone what was edited or deleted here since; ``signals``: ``overwriting``, before
  ``--force`` overwrites such a post.
"""
