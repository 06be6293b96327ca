"""What an import did: created, updated, unchanged, redirects and skipped, with reasons.

Posts changed here since their last import are left alone and listed apart: edited
(``conflicts``) or deleted (``deleted``); ``forced`` and ``restored`` name those that
``--force`` and ``--restore-deleted`` wrote all the same (also among updated, created).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from .errors import Conflict, Deleted
from .shortcodes import UNHANDLED


@dataclass
class Report:
    files: int = 0
    dry_run: bool = False
    created: list = field(default_factory=list)  # paths
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    redirects: list = field(default_factory=list)  # (path, old path, new path, is new)
    skipped: list = field(default_factory=list)  # (path, reason, detail)
    warnings: list = field(default_factory=list)  # (path, reason, detail)
    links_rewritten: int = 0  # links between posts pointed at their new URLs
    conflicts: list = field(default_factory=list)  # (path, detail): edited here, left alone
    deleted: list = field(default_factory=list)  # (path, detail): deleted here, not restored
    forced: list = field(default_factory=list)  # paths: edited here, overwritten (--force)
    restored: list = field(default_factory=list)  # paths: deleted here, made again

    def skip(self, path, skip):
        if isinstance(skip, Conflict):
            self.conflicts.append((path, skip.detail))
        elif isinstance(skip, Deleted):
            self.deleted.append((path, skip.detail))
        else:
            self.skipped.append((path, skip.reason, skip.detail))

    def warn(self, path, warnings):
        self.warnings += [(path, reason, detail) for reason, detail in warnings]

    def outcome(self, path):
        """What happened to one file: "created", "skipped: <reason>"..."""
        for name in ("created", "updated", "unchanged"):
            if path in getattr(self, name):
                return name
        if any(item[0] == path for item in self.redirects):
            return "redirect"
        for name in ("conflicts", "deleted"):
            if any(item[0] == path for item in getattr(self, name)):
                return name
        return next((f"skipped: {reason}" for p, reason, _d in self.skipped if p == path), None)

    def needs_attention(self):
        """[(path, shortcode names)]: posts whose shortcodes were kept, unconverted."""
        return [(path, detail) for path, reason, detail in self.warnings if reason == UNHANDLED]

    def counts(self):
        """{what: how many}, as ``summary()`` says it: kept with the run (``ImportRun``)."""
        return {
            "files": self.files,
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "redirects": len(self.redirects),
            "skipped": len(self.skipped),
            "edited here": len(self.conflicts),
            "deleted here": len(self.deleted),
        }

    def problems(self):
        """[(path, message)]: what the author should look at, file by file, for the
        admin desk: skips, posts left alone, then warnings (kept shortcodes, clashes)."""
        found = [
            (path, _said(f"Skipped, {reason}", detail)) for path, reason, detail in self.skipped
        ]
        found += [
            (path, f"Edited here since the last import, not touched: {detail}")
            for path, detail in self.conflicts
        ]
        found += [
            (path, f"Deleted here since the last import, not restored: {detail}")
            for path, detail in self.deleted
        ]
        found += [(path, _said(reason, detail)) for path, reason, detail in self.warnings]
        return found

    def summary(self):
        new = sum(1 for item in self.redirects if item[3])
        line = (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.redirects)} redirects ({new} new), "
            f"{len(self.skipped)} skipped, from {self.files} files"
        )
        if self.conflicts or self.deleted:
            line += (
                f"; left alone: {len(self.conflicts)} edited here and "
                f"{len(self.deleted)} deleted here since the last import"
            )
        return f"Dry run, nothing saved: {line}." if self.dry_run else f"Imported: {line}."

    def lines(self, verbose=True):
        yield self.summary()
        if self.links_rewritten:
            yield f"Links between posts pointed at their new addresses: {self.links_rewritten}."
        for title, items in (
            ("Edited here since the last import, not touched", self.conflicts),
            ("Deleted here since the last import, not restored", self.deleted),
        ):
            if items:
                yield f"{title} ({len(items)}):"
                yield from (f"  {path}: {detail}" for path, detail in items)
        if attention := self.needs_attention():
            yield f"Needs attention: shortcodes kept, hidden from readers ({len(attention)}):"
            yield from (f"  {path}: {names}" for path, names in attention)
        for title, items in (("Overwritten (--force)", self.forced), ("Restored", self.restored)):
            if items:
                yield f"{title} ({len(items)}):"
                yield from (f"  {path}" for path in items)
        for title, items in (("Skipped", self.skipped), ("Warnings", self.warnings)):
            if items:
                yield f"{title}:"
                # Every skip is listed with its reason; warnings only when asked.
                yield from _grouped(items, verbose or title == "Skipped")


def _said(reason, detail):
    return f"{reason}: {detail}" if detail else reason


def _grouped(items, verbose):
    groups = defaultdict(list)
    for path, reason, detail in items:
        groups[reason].append((path, detail))
    for reason, entries in sorted(groups.items(), key=lambda group: -len(group[1])):
        yield f"  {reason} ({len(entries)})"
        if verbose:
            for path, detail in entries:
                yield f"    {path}: {detail}" if detail else f"    {path}"
