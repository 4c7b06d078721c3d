"""Keep the layers honest: imports run one way, pages hold layout only, Streamlit stays in the app.

The packages, lowest first; a package may import only those in layers below its own:

    warehouse   settings, schema, engines, bulk writes, the read API, errors, the audit log,
                page-shaped frames (warehouse.frames: frames in, frames out, no queries)
    access      accounts, passwords, roles and county scope, single sign-on
    loaders     files → checked rows → the warehouse
    rubrics     rubrics as data, the scoring engine, the re-check
    briefs      the monthly brief: the cockpit's figures, 需关注, and the brief as PDF and workbook
    demo        the demo data, loaded through the loaders
    app_ui      the Streamlit side: session, sidebar, cached reads, tables, charts
    app_pages   the page scripts (layout only: app_ui and warehouse.frames)
    cli         the `dibao` command
    bench       benchmarks

demo and app_ui share a layer and never import each other, likewise app_pages and cli.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LAYERS = [
    {"warehouse"},
    {"access"},
    {"loaders"},
    {"rubrics"},
    {"briefs"},
    {"demo", "app_ui"},
    {"app_pages", "cli", "app"},
    {"bench"},
]
LEVEL = {package: level for level, packages in enumerate(LAYERS) for package in packages}
PAGES_MAY_IMPORT = ("app_ui", "warehouse.frames")  # and nothing else of the project
DATABASE = {"sqlalchemy", "sqlmodel", "sqlite3", "psycopg"}


def package_of(path: Path, root: Path = ROOT) -> str:
    relative = path.relative_to(root)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def sources(root: Path = ROOT) -> list[Path]:
    found = [root / "app.py"] if (root / "app.py").exists() else []
    for package in LEVEL:
        if (root / package).is_dir():
            found += sorted((root / package).rglob("*.py"))
    return found


def imported(tree: ast.AST, *, members: bool = False) -> list[tuple[ast.stmt, str]]:
    """Every import statement with the module it names, dotted in full (relative imports resolved to '.')."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # `from warehouse import audit` imports warehouse.audit: name both, the graph keeps what is a module
            found.append((node, node.module))
            if members:
                found += [(node, f"{node.module}.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node, "."))
    return found


def project_imports(path: Path, *, members: bool = False) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {name for _, name in imported(tree, members=members) if name.split(".")[0] in LEVEL}


def test_every_package_has_a_layer():
    packages = {path.name for path in ROOT.iterdir() if (path / "__init__.py").exists() or path.name in LEVEL}
    packages -= {"tests", "docs", "scripts", ".venv"}
    assert packages <= set(LEVEL), packages - set(LEVEL)


def upward_imports(root: Path = ROOT) -> list[str]:
    upward = []
    for path in sources(root):
        own = package_of(path, root)
        for name in project_imports(path):
            other = name.split(".")[0]
            if other != own and LEVEL[other] >= LEVEL[own]:
                upward.append(f"{path.relative_to(root)} imports {name}")
    return upward


def test_imports_only_run_down_the_layers():
    assert not upward_imports(), "\n".join(upward_imports())


def test_the_layer_check_finds_upward_and_sideways_imports(tmp_path):
    """The check itself can fail: a warehouse module importing access, the app importing demo."""
    for module, text in {
        "warehouse/db.py": "from access.roles import Actor\n",
        "access/roles.py": "from warehouse import db\n",
        "app_ui/data.py": "import demo.load\n",
        "demo/load.py": "from loaders import roster_store\n",
    }.items():
        (tmp_path / module).parent.mkdir(exist_ok=True)
        (tmp_path / module).write_text(text, encoding="utf-8")
    assert sorted(upward_imports(tmp_path)) == [
        "app_ui/data.py imports demo.load",
        "warehouse/db.py imports access.roles",
    ]


def test_no_import_hides_inside_a_function():
    """A function-level import of the project is how a cycle is dodged; the layers make it unnecessary."""
    hidden = []
    for path in sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                for node, name in imported(function):
                    if name.split(".")[0] in LEVEL or name == ".":
                        hidden.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {name}")
    assert not hidden, "\n".join(hidden)


def test_no_cycle_between_modules():
    """Within a package too: the module import graph has no cycle."""
    graph: dict[str, set[str]] = {}
    for path in sources():
        relative = path.relative_to(ROOT).with_suffix("")
        name = ".".join(relative.parts[:-1] if relative.name == "__init__" else relative.parts)
        graph[name] = project_imports(path, members=True)
    modules = set(graph)
    edges = {
        name: {target for target in targets if target in modules and target != name} for name, targets in graph.items()
    }
    state: dict[str, int] = {}  # 1: on the path, 2: done
    cycles = []

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in sorted(edges[name]):
            if state.get(target) == 1:
                cycles.append(" → ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[name] = 2

    for name in sorted(edges):
        if name not in state:
            visit(name, [name])
    assert not cycles, "\n".join(cycles)


def test_pages_hold_layout_only():
    pages = list((ROOT / "app_pages").rglob("*.py")) + [ROOT / "app.py"]
    assert pages
    for page in pages:
        names = {name for _, name in imported(ast.parse(page.read_text(encoding="utf-8")))}
        assert not {name.split(".")[0] for name in names} & DATABASE, page
        reaching = {name for name in names if name.split(".")[0] in LEVEL}
        allowed = {name for name in reaching if any(name.startswith(prefix) for prefix in PAGES_MAY_IMPORT)}
        assert reaching == allowed, (page, reaching - allowed)
        tree = ast.parse(page.read_text(encoding="utf-8"))
        bare_calls = {
            node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        }
        assert not bare_calls & {"select", "text"}, page  # SQLAlchemy's select()/text(); polars' .select() is fine
        assert "SELECT " not in page.read_text(encoding="utf-8").upper().replace("ST.SELECT", ""), page


def test_frames_do_not_query():
    for module in (ROOT / "warehouse" / "frames").glob("*.py"):
        names = project_imports(module) | {name for _, name in imported(ast.parse(module.read_text(encoding="utf-8")))}
        assert not {name.split(".")[0] for name in names} & DATABASE, module
        assert not names & {"warehouse.read", "warehouse.db", "warehouse.bulk"}, module


def test_only_the_app_imports_streamlit():
    for package in ("warehouse", "loaders", "rubrics", "access", "demo", "cli"):
        for module in (ROOT / package).rglob("*.py"):
            names = {name.split(".")[0] for _, name in imported(ast.parse(module.read_text(encoding="utf-8")))}
            assert "streamlit" not in names, module


# What the app process runs: Python inside polars' thread pool deadlocks it under many sessions (warehouse.frames.texts)
APP_RUNS = ("app", "app_pages", "app_ui", "briefs", "warehouse", "access", "loaders", "rubrics")
PYTHON_IN_POLARS = {"map_elements", "map_batches", "map_groups", "map_rows", "apply"}


def python_in_polars(root: Path = ROOT) -> list[str]:
    """Every call of a polars method that runs a Python function in polars' thread pool, as file:line.

    `.apply(` counts too (older polars' name); pandas' Styler.apply, which runs no polars, is the one let by."""
    found = []
    for path in sources(root):
        if package_of(path, root) not in APP_RUNS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in PYTHON_IN_POLARS:
                if node.attr == "apply" and isinstance(node.value, ast.Name) and node.value.id == "styler":
                    continue
                found.append(f"{path.relative_to(root)}:{node.lineno} .{node.attr}")
    return found


def test_the_app_runs_no_python_inside_polars():
    assert python_in_polars() == []


def test_the_polars_check_finds_a_python_function_in_an_expression(tmp_path):
    (tmp_path / "app_ui").mkdir()
    (tmp_path / "app_ui" / "table.py").write_text('pl.col("a").map_elements(str, return_dtype=pl.String)\n')
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "scale.py").write_text('pl.col("a").map_elements(str)\n')  # the demo runs alone: let by
    assert python_in_polars(tmp_path) == ["app_ui/table.py:1 .map_elements"]


def test_no_pages_folder():
    """A pages/ folder switches Streamlit to its legacy routing for a link's first request."""
    assert not (ROOT / "pages").exists()
    assert len(list((ROOT / "app_pages").rglob("*.py"))) == 14


def top_level_lines(path: Path) -> int:
    """Lines of code outside any def or class: what runs as a script, top to bottom."""
    source = path.read_text(encoding="utf-8")
    text = source.splitlines()
    lines = set()
    for node in ast.parse(source).body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            lines.update(range(node.lineno, node.end_lineno + 1))
    return sum(1 for number in lines if text[number - 1].strip() and not text[number - 1].strip().startswith("#"))


def test_pages_read_as_named_sections():
    """A page is a few calls of named sections; a long script at the top level is a page that needs them."""
    long = {str(page.relative_to(ROOT)): top_level_lines(page) for page in (ROOT / "app_pages").rglob("*.py")}
    assert {page: lines for page, lines in long.items() if lines > 120} == {}


def test_cli_modules_stay_small():
    sizes = {
        str(module.relative_to(ROOT)): len(module.read_text(encoding="utf-8").splitlines())
        for module in (ROOT / "cli").glob("*.py")
    }
    assert {module: size for module, size in sizes.items() if size > 200} == {}


# Reads that carry counts below the county (townships, categories, households one by one, their flags and
# sentences): the app reaches them only through app_ui.data's wrappers, which pass warehouse.small_counts what
# the logged-in account may not see.
SUB_COUNTY_READS = {
    "monthly_totals",
    "figures_by",
    "month_split",
    "cell_figures",
    "township_months",
    "household_rows",
    "findings",
    "finding_counts",
    "find",
    "follow_up",
    "gather",
    "month_change_of",
}
READ_MODULES = {"warehouse.read", "warehouse.small_counts", "warehouse.anomalies", "briefs.figures", "briefs.followup"}
ACCOUNT_AWARE = {"_restricted", "threshold", "sees_true_figures"}


def sub_county_leaks(root: Path = ROOT) -> list[str]:
    """Where the app goes around app_ui.data's account-aware wrappers to a read of sub-county figures."""
    found = []
    app = [root / "app.py", *(root / "app_pages").rglob("*.py"), *(root / "app_ui").rglob("*.py")]
    for path in (path for path in app if path.exists()):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(root)
        if where == Path("app_ui/data.py"):
            found += _unguarded_wrappers(tree)
            continue
        aliases = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    if f"{node.module}.{alias.name}" in READ_MODULES:
                        aliases.add(alias.asname or alias.name)
                    elif node.module in READ_MODULES and alias.name in SUB_COUNTY_READS:
                        found.append(f"{where}:{node.lineno} imports {node.module}.{alias.name}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                if node.value.id in aliases and node.attr in SUB_COUNTY_READS:
                    found.append(f"{where}:{node.lineno} calls {node.value.id}.{node.attr}")
                if node.value.id == "data" and node.attr.startswith("_"):
                    found.append(f"{where}:{node.lineno} reads data.{node.attr}")
    return found


def _unguarded_wrappers(tree: ast.Module) -> list[str]:
    """In app_ui/data.py: a cached sub-county read under a public name, or a function that calls one without
    asking what the account may see."""
    found, private = [], set()
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and getattr(node.value.func, "id", "") == "cached"
        ):
            read = node.value.args[0]
            if (
                isinstance(read, ast.Attribute)
                and read.attr in SUB_COUNTY_READS
                or getattr(read, "id", "") in SUB_COUNTY_READS
            ):
                name = node.targets[0].id
                if not name.startswith("_"):
                    found.append(f"app_ui/data.py:{node.lineno} {name} reads sub-county figures with no account")
                private.add(name)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            names = {item.id for item in ast.walk(node) if isinstance(item, ast.Name)}
            called = {
                getattr(item.func, "id", None) or getattr(item.func, "attr", None)
                for item in ast.walk(node)
                if isinstance(item, ast.Call)
            }
            if names & private and not called & ACCOUNT_AWARE:
                found.append(f"app_ui/data.py:{node.lineno} {node.name} reads sub-county figures with no account")
    return found


def test_the_app_reaches_sub_county_figures_only_through_the_account_aware_reads():
    assert not sub_county_leaks(), "\n".join(sub_county_leaks())


def test_the_sub_county_check_finds_a_page_going_around_it(tmp_path):
    """The check itself can fail: a page importing the read API, a page using a private cached read, and a
    wrapper that forgets the account."""
    files = {
        "app_pages/recipients.py": "from warehouse.read import figures_by\nfrom warehouse import read\n"
        "read.household_rows(engine)\nread.counties(engine)\n",
        "app_pages/townships.py": "from app_ui import data\nrows = data._split('township')\n",
        "app_ui/data.py": "split = cached(small_counts.month_split)\n_rows = cached(read.household_rows)\n\n"
        "def rows(county):\n    return _rows(county)\n\n"
        "def mine(county):\n    return _rows(county, restricted=_restricted([county]))\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert sorted(sub_county_leaks(tmp_path)) == [
        "app_pages/recipients.py:1 imports warehouse.read.figures_by",
        "app_pages/recipients.py:3 calls read.household_rows",
        "app_pages/townships.py:2 reads data._split",
        "app_ui/data.py:1 split reads sub-county figures with no account",
        "app_ui/data.py:4 rows reads sub-county figures with no account",
    ]
