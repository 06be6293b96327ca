class Skip(Exception):
    """A file that is not imported: ``reason`` groups the report, ``detail`` explains."""

    def __init__(self, reason, detail=""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
