"""No path around the county scope: every write transaction in the loaders checks the actor first, and the
pages and the scoring flow store only through those loaders, naming who acts."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECKS = {"require_upload", "require_admin"}


def functions(folder: str):
    for path in sorted((ROOT / folder).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                yield path.relative_to(ROOT), node


def called(node: ast.AST) -> set[str]:
    names = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            target = call.func
            names.add(target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", ""))
    return names


# How a loader opens a write transaction: the engine's own, or loaders.log.storing_file (which opens one).
TRANSACTIONS = {"begin", "storing_file"}


def test_every_loader_transaction_checks_the_actor_first():
    writers = {
        f"{path}:{node.name}": called(node)
        for path, node in functions("loaders")
        if called(node) & TRANSACTIONS and node.name not in TRANSACTIONS
    }
    assert len(writers) >= 4, writers  # rosters, score sheets, standards, the county registry
    unchecked = [name for name, calls in writers.items() if not calls & CHECKS]
    assert not unchecked, f"write transactions without a scope check: {unchecked}"


STORING = ("store_", "ingest_", "_save")  # the loaders' entry points, and the scoring page's saving through them


def test_pages_open_no_transaction_and_name_the_actor_when_storing():
    for folder in ("app_pages", "app_ui", "rubrics"):
        for path, node in functions(folder):
            assert not called(node) & TRANSACTIONS, f"{path}:{node.name} writes without a loader"
            for call in ast.walk(node):
                if not isinstance(call, ast.Call):
                    continue
                name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
                if name.startswith(STORING):
                    assert "user" in {keyword.arg for keyword in call.keywords}, f"{path}:{node.name} → {name}"
