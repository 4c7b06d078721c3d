"""Keep the layers honest: pages hold layout only; warehouse and loaders never touch Streamlit."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def modules(path: Path) -> set[str]:
    """Every module a file imports, dotted in full."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def imports(path: Path) -> set[str]:
    return {name.split(".")[0] for name in modules(path)}


DATABASE = {"sqlalchemy", "sqlmodel", "sqlite3", "psycopg", "loaders"}


def test_pages_contain_no_sql():
    pages = list((ROOT / "app_pages").rglob("*.py")) + [ROOT / "app.py"]
    assert pages
    for page in pages:
        assert not imports(page) & DATABASE, page
        # Pages may use shaped frames (warehouse.views) but never the query layer itself.
        reaching = {name for name in modules(page) if name.startswith("warehouse")}
        assert all(name.startswith("warehouse.views") for name in reaching), (page, reaching)
        tree = ast.parse(page.read_text(encoding="utf-8"))
        bare_calls = {
            node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        }
        assert not bare_calls & {"select", "text"}, page  # SQLAlchemy's select()/text(); polars' .select() is fine
        assert "SELECT " not in page.read_text(encoding="utf-8").upper().replace("ST.SELECT", ""), page


def test_views_do_not_query():
    for module in (ROOT / "warehouse" / "views").glob("*.py"):
        assert not imports(module) & DATABASE, module
        assert not {name for name in modules(module) if name in ("warehouse.read", "warehouse.db")}, module


def test_warehouse_and_loaders_never_import_streamlit():
    for package in ("warehouse", "loaders", "rubrics", "access", "demo", "cli"):
        for module in (ROOT / package).rglob("*.py"):
            assert "streamlit" not in imports(module), module


def test_no_pages_folder():
    """A pages/ folder switches Streamlit to its legacy routing for a link's first request."""
    assert not (ROOT / "pages").exists()
    assert len(list((ROOT / "app_pages").rglob("*.py"))) == 12
