"""The `dibao` command line: the same loaders and read API the pages use."""

from cli import approval, changes, demo, ingest, reports, rubric, safekeeping, status, users  # noqa: F401  (each adds its commands)
from cli.base import main

__all__ = ["main"]
