"""A brief as a file: the format from the name's suffix, written whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from briefs.model import Brief
from briefs.pdf import brief_pdf
from briefs.words import month_words
from briefs.workbook import brief_workbook

FORMATS = {".pdf": brief_pdf, ".xlsx": brief_workbook}
MIME = {".pdf": "application/pdf", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def brief_bytes(brief: Brief, suffix: str) -> bytes:
    """The brief in the format `suffix` names (.pdf or .xlsx)."""
    return FORMATS[suffix.lower()](brief)


def write_brief(brief: Brief, path: Path) -> None:
    """Write the brief to `path` through a temporary file beside it, so a failed run leaves no half file."""
    content = brief_bytes(brief, path.suffix)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def file_name(brief: Brief, suffix: str) -> str:
    """低保月度简报_2023年12月_曲阜市.pdf, or …_5个县区.pdf for many counties."""
    names = list(brief.scope.names.values())
    who = names[0] if len(names) == 1 else f"{len(names)}个县区"
    return f"低保月度简报_{month_words(brief.scope.month)}_{who}{suffix}"
