"""Keep the layers honest: pages hold layout only; warehouse and loaders never touch Streamlit."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_pages_contain_no_sql():
    pages = list((ROOT / "pages").glob("*.py")) + [ROOT / "app.py"]
    assert pages
    for page in pages:
        assert not imports(page) & {"sqlalchemy", "sqlmodel", "sqlite3", "psycopg", "warehouse", "loaders"}, page
        assert "select(" not in page.read_text(encoding="utf-8"), page


def test_warehouse_and_loaders_never_import_streamlit():
    for package in ("warehouse", "loaders", "demo", "cli"):
        for module in (ROOT / package).rglob("*.py"):
            assert "streamlit" not in imports(module), module
