"""The one exception for a refused operation whose message a person can act on (no traceback)."""


class Refused(Exception):
    """An account change, backup or restore that cannot be done; the message says why."""
