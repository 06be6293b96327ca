class Skip(Exception):
    """A file that is not imported: ``reason`` groups the report, ``detail`` explains."""

    def __init__(self, reason, detail=""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class Conflict(Skip):
    """A post changed here since it was last imported (or never imported): left alone."""

    def __init__(self, detail):
        super().__init__("edited since the last import", detail)


class Deleted(Skip):
    """A post deleted here since it was last imported: not brought back."""

    def __init__(self, detail):
        super().__init__("deleted since the last import, not restored", detail)
