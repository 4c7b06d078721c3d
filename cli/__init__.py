"""The `dibao` command line: the same loaders and read API the pages use."""

from cli import (  # noqa: F401  (each adds its commands)
    anomalies,
    approval,
    brief,
    changes,
    demo,
    export,
    followup,
    ingest,
    reports,
    rubric,
    safekeeping,
    status,
    users,
)
from cli.base import main

__all__ = ["main"]
