"""House rules read from the source: no import cycles, no private names taken from another module, no
long functions.

The packages are parsed, never imported, so these tests need only the standard library and see every
import statement, those inside functions included.
"""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("nam_reference", "conformance", "generators")
SHORT_FUNCTION_PACKAGES = ("nam_reference", "conformance")
MAX_FUNCTION_LINES = 60


@dataclasses.dataclass(frozen=True)
class Module:
    name: str  # dotted
    file: str  # relative to the checkout
    is_package: bool  # an __init__.py
    tree: ast.Module


def _module_name(file: str) -> str:
    parts = file.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _module(file: str, source: str) -> Module:
    return Module(_module_name(file), file, file.endswith("/__init__.py"), ast.parse(source, file))


def _modules(packages=PACKAGES) -> dict[str, Module]:
    """Every module of the packages, by dotted name."""
    files = [path.relative_to(ROOT).as_posix()
             for package in packages for path in sorted((ROOT / package).rglob("*.py"))]
    return {_module_name(file): _module(file, (ROOT / file).read_text(encoding="utf-8")) for file in files}


def _imports(module: Module):
    """(line, imported module, imported names) for every import statement of the module, wherever it is
    (in functions too). Relative imports are resolved; `import a.b` has no names."""
    package = module.name if module.is_package else module.name.rpartition(".")[0]
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, ()
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            yield node.lineno, base, tuple(alias.name for alias in node.names)


# Import cycles.

def import_graph(modules: dict[str, Module]) -> dict[str, dict[str, int]]:
    """module -> {module of the packages it imports: line of the first such import}.

    `from P import x` imports the module P.x when there is one, and P otherwise. The implicit import of
    a package's `__init__` that Python performs before any of its submodules is not an edge: a package
    that imports its submodules to re-export them is not a cycle unless a submodule imports the package
    back by name."""
    graph: dict[str, dict[str, int]] = {name: {} for name in modules}
    for name, module in modules.items():
        for line, target, names in _imports(module):
            targets = [f"{target}.{n}" if f"{target}.{n}" in modules else target for n in names] or [target]
            for imported in targets:
                if imported in modules and imported != name:
                    graph[name].setdefault(imported, line)
    return graph


def strongly_connected(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    for root in sorted(graph):
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(sorted(graph[root])))]
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:  # every successor seen: node is done
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while not component or component[-1] != node:
                        component.append(stack.pop())
                        on_stack.discard(component[-1])
                    if len(component) > 1:
                        components.append(sorted(component))
    return components


def _describe_component(graph, component: list[str]) -> str:
    members = set(component)
    edges = [f"    {source} -> {target} (line {line})"
             for source in component for target, line in sorted(graph[source].items()) if target in members]
    return "cycle among " + ", ".join(component) + ":\n" + "\n".join(edges)


def test_no_import_cycles():
    graph = import_graph(_modules())
    cycles = [_describe_component(graph, component) for component in strongly_connected(graph)]
    assert not cycles, "import cycles (imports inside functions count):\n" + "\n".join(cycles)


def _made_up(sources: dict[str, str]) -> dict[str, Module]:
    return {_module_name(file): _module(file, source) for file, source in sources.items()}


def test_the_cycle_finder_sees_packages_relative_and_function_level_imports():
    """The check above can fail: a package re-exporting its submodules is no cycle; a submodule that
    imports its package back (here inside a function, through a sibling) makes one."""
    re_exporting = {"p/__init__.py": "from .x import f\nfrom . import y\n",
                    "p/x.py": "from . import y\nf = y.g\n",
                    "p/y.py": "def g():\n    return 1\n"}
    assert import_graph(_made_up(re_exporting)) == {"p": {"p.x": 1, "p.y": 2}, "p.x": {"p.y": 1}, "p.y": {}}
    assert strongly_connected(import_graph(_made_up(re_exporting))) == []
    importing_back = dict(re_exporting, **{"p/y.py": "def g():\n    from p import f\n    return f\n"})
    assert strongly_connected(import_graph(_made_up(importing_back))) == [["p", "p.x", "p.y"]]
    assert strongly_connected({"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}}) == [["a", "b", "c"]]


# Private names.

def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _module_aliases(module: Module, modules: dict[str, Module]) -> dict[str, str]:
    """The names under which the module binds other modules of the packages (`from . import cli` binds
    `cli` to nam_reference.cli)."""
    aliases = {}
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            aliases.update({alias.asname: alias.name for alias in node.names if alias.asname and alias.name in modules})
    for _, target, names in _imports(module):
        aliases.update({name: f"{target}.{name}" for name in names if f"{target}.{name}" in modules})
    return aliases


def private_names_taken(modules: dict[str, Module]) -> list[str]:
    """Private names (with a leading underscore) taken from another module: imported from any module
    (`from m import _x`, `from m._x import y`, `import m._x`), or read as an attribute of a module of the
    packages (`m._x`)."""
    found = []
    for module in modules.values():
        for line, target, names in _imports(module):
            taken = [target] if any(_is_private(part) for part in target.split(".")) else []
            taken += [f"{target}.{name}" for name in names if _is_private(name)]
            found += [f"{module.file}:{line}: imports {name}" for name in taken]
        aliases = _module_aliases(module, modules)
        found += [f"{module.file}:{node.lineno}: uses {aliases[node.value.id]}.{node.attr}"
                  for node in ast.walk(module.tree)
                  if isinstance(node, ast.Attribute) and _is_private(node.attr)
                  and isinstance(node.value, ast.Name) and node.value.id in aliases]
    return sorted(found)


def test_no_private_names_taken_from_another_module():
    found = private_names_taken(_modules())
    assert not found, "private names of another module:\n" + "\n".join(found)


def test_the_private_name_check_finds_imports_and_attributes():
    made_up = _made_up({
        "p/__init__.py": "",
        "p/a.py": "_hidden = 1\nshown = 2\n",
        "p/b.py": "from p.a import _hidden, shown\nfrom . import a\nimport os\nx = a._hidden + a.shown, os._exit\n",
        "p/c.py": "def f():\n    from ._d import g\n    import p._d as d\n",
    })
    assert private_names_taken(made_up) == ["p/b.py:1: imports p.a._hidden", "p/b.py:4: uses p.a._hidden",
                                            "p/c.py:2: imports p._d", "p/c.py:3: imports p._d"]


# Long functions.

def long_functions(modules: dict[str, Module]) -> list[str]:
    """Functions and methods (nested ones too) over MAX_FUNCTION_LINES lines, counted from the `def` line
    to the last line, docstring and comments included."""
    return [f"{module.file}:{node.lineno}: {node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for module in modules.values()
            for node in ast.walk(module.tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]


def test_no_function_over_60_lines():
    found = long_functions(_modules(SHORT_FUNCTION_PACKAGES))
    assert not found, f"functions over {MAX_FUNCTION_LINES} lines:\n" + "\n".join(found)


def test_the_length_check_counts_from_the_def_to_the_last_line():
    body = "".join(f"    x = {i}\n" for i in range(MAX_FUNCTION_LINES - 2))
    at_the_limit = f'def f():\n    """A docstring."""\n{body}'
    one_over = f'def g():\n    """A docstring."""\n{body}    return x\n'
    found = long_functions(_made_up({"p/a.py": at_the_limit + one_over}))
    assert found == [f"p/a.py:{MAX_FUNCTION_LINES + 1}: g ({MAX_FUNCTION_LINES + 1} lines)"]
