"""The layers keep their floors: every import (function-local ones too) points one way.

The rules are those of ARCHITECTURE.md's layer diagram; each test names one. The graph is read with
`ast` from the source, so an import inside a function is seen like one at the top of a module.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from drafting import ROOT
from workflows.review import mermaid_diagram

PACKAGES = ("drafting", "workflows")
# The old dotted names of the job functions, kept one release so that jobs queued before the
# upgrade still run (CHANGELOG 0.2.0). Delete the module and this entry in the next release.
LEGACY_ALIASES = frozenset({"workflows.jobs"})
REQUEST_GLOBALS = frozenset({"request", "g", "session"})


@dataclass(frozen=True)
class Import:
    """One import statement: who imports what, and the names taken from it."""

    source: str
    target: str
    names: tuple[str, ...]
    line: int

    def __str__(self) -> str:
        return f"{self.source}:{self.line} imports {self.target} {list(self.names)}"


def module_name(path: Path, root: Path = ROOT) -> str:
    """The dotted module name of a source file under `root`."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files(root: Path = ROOT) -> Iterator[Path]:
    """Every Python file of the application packages."""
    for package in PACKAGES:
        yield from sorted((root / package).rglob("*.py"))


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module a `from … import` names (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(path: Path, known: frozenset[str], root: Path = ROOT) -> Iterator[Import]:
    """The imports of one file, anywhere in it; `from pkg import module` targets the module."""
    module = module_name(path, root)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, alias.name, (), node.lineno)
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, path.name == "__init__.py", node)
            names = tuple(alias.name for alias in node.names)
            submodules = [f"{target}.{name}" for name in names if f"{target}.{name}" in known]
            for sub in submodules:
                yield Import(module, sub, (), node.lineno)
            rest = tuple(n for n in names if f"{target}.{n}" not in known)
            if rest or not submodules:
                yield Import(module, target, rest, node.lineno)


def import_graph(root: Path = ROOT) -> list[Import]:
    """Every import of the application, function-local ones included."""
    files = list(source_files(root))
    known = frozenset(module_name(path, root) for path in files)
    return [item for path in files for item in imports_of(path, known, root)]


def within(module: str, *prefixes: str) -> bool:
    """Whether `module` is one of `prefixes` or inside one of them."""
    return any(module == p or module.startswith(p + ".") for p in prefixes)


GRAPH = import_graph()
FORBIDDEN_IN_WORKFLOWS = ("drafting", "flask", "flask_sqlalchemy", "sqlalchemy", "redis", "rq")
DOMAIN_LAYERS = (
    "drafting.models",
    "drafting.services",
    "drafting.permissions",
    "drafting.web",
    "drafting.api",
    "drafting.jobs",
    "drafting.cli",
)
VIEWS_AND_ABOVE = ("drafting.web", "drafting.api", "drafting.jobs", "drafting.cli")


def violations(source: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    """The imports from modules under `source` of modules under `forbidden`."""
    return [
        str(item)
        for item in GRAPH
        if within(item.source, *source)
        and within(item.target, *forbidden)
        and item.source not in LEGACY_ALIASES
    ]


def test_the_graph_sees_function_local_imports() -> None:
    local = [i for i in GRAPH if i.source == "drafting.cli" and i.target == "drafting"]
    assert local, "create_app is imported inside a function of the CLI: the walk must see it"


def test_workflows_is_the_pure_rulebook() -> None:
    assert violations(("workflows",), FORBIDDEN_IN_WORKFLOWS) == []


def test_infra_and_rendering_name_no_domain_layer() -> None:
    assert violations(("drafting.infra", "drafting.rendering"), DOMAIN_LAYERS) == []


def test_models_import_no_service_view_or_job() -> None:
    above = ("drafting.services", "drafting.permissions", *VIEWS_AND_ABOVE)
    assert violations(("drafting.models",), above) == []


def test_services_and_permissions_import_no_view_job_or_cli() -> None:
    assert violations(("drafting.services", "drafting.permissions"), VIEWS_AND_ABOVE) == []


def test_permissions_import_no_service() -> None:
    assert violations(("drafting.permissions",), ("drafting.services",)) == []


def test_services_never_read_the_request() -> None:
    found = [
        str(item)
        for item in GRAPH
        if within(item.source, "drafting.services", "drafting.permissions", "drafting.models")
        and item.target == "flask"
        and REQUEST_GLOBALS & set(item.names)
    ]
    assert found == []


def test_views_do_not_import_each_other_or_jobs() -> None:
    assert violations(("drafting.web",), ("drafting.api", "drafting.jobs", "drafting.cli")) == []
    assert violations(("drafting.api",), ("drafting.web", "drafting.jobs", "drafting.cli")) == []


def test_only_the_cli_imports_the_jobs() -> None:
    found = [
        str(item)
        for item in GRAPH
        if within(item.target, "drafting.jobs")
        and not within(item.source, "drafting.jobs", "drafting.cli")
        and item.source not in LEGACY_ALIASES
    ]
    assert found == []


def test_the_factory_does_not_import_the_cli() -> None:
    assert [
        str(i) for i in GRAPH if i.source == "drafting" and within(i.target, "drafting.cli")
    ] == []


def cycles(graph: list[Import]) -> list[list[str]]:
    """Import circles between application modules (Tarjan's strongly connected components)."""
    edges: dict[str, set[str]] = {}
    for item in graph:
        if within(item.target, *PACKAGES) and item.target != item.source:
            edges.setdefault(item.source, set()).add(item.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_there_is_no_import_circle() -> None:
    assert cycles(GRAPH) == []


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("workflows.review", "drafting.models"),
        ("drafting.infra.http", "drafting.services.amendments"),
        ("drafting.models.texts", "drafting.services.texts"),
        ("drafting.services.texts", "drafting.web.texts"),
        ("drafting.services.texts", "drafting.jobs.documents"),
    ],
)
def test_a_forbidden_import_is_caught(tmp_path: Path, source: str, target: str) -> None:
    """Adding one forbidden import to a copy of the tree makes the rules fail."""
    path = tmp_path.joinpath(*source.split(".")).with_suffix(".py")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"def late():\n    import {target}\n", encoding="utf-8")
    known = frozenset({source, target})
    (found,) = list(imports_of(path, known, tmp_path))
    assert found.target == target
    rules = {
        "workflows": FORBIDDEN_IN_WORKFLOWS,
        "drafting.infra": DOMAIN_LAYERS,
        "drafting.models": ("drafting.services", *VIEWS_AND_ABOVE),
        "drafting.services": VIEWS_AND_ABOVE,
    }
    layer = next(prefix for prefix in rules if within(source, prefix))
    assert within(found.target, *rules[layer])


def test_a_circle_is_caught() -> None:
    graph = [Import("drafting.a", "drafting.b", (), 1), Import("drafting.b", "drafting.a", (), 2)]
    assert cycles(graph) == [["drafting.a", "drafting.b"]]


def test_architecture_diagram_is_generated_from_the_current_table() -> None:
    assert mermaid_diagram() in (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
