"""The house drawn from its imports: no app imports a higher one, and no module imports itself
back through others.

Every module of every app is parsed (``ast``), function-level imports included, so an import
tucked into a function to dodge a cycle still counts. Migrations are included: they run with
the live code of the modules they import.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The allowed order, lowest first: an app may import Django, third-party packages, itself and
# the apps of lower floors, never one of its own floor or above. ``config`` (settings, urls,
# the admin site, the database routers) wires the apps together and may import any of them;
# ``perf`` (benchmarks, load test) measures the whole site, its URLs included.
LAYERS = [
    {"agencies"},
    {"accounts", "workdays"},
    {"disclosure"},
    {"standards"},
    {"applications", "proposals"},
    {"subscriptions"},
    {"reports"},
    {"config"},
    {"perf"},
]
FLOOR = {app: level for level, apps in enumerate(LAYERS) for app in apps}


def _modules():
    """{dotted name: path} of every Python module of every app."""
    found = {}
    for app in FLOOR:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name, path):
    """The project modules ``name`` imports, anywhere in its body, with their line numbers."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # ``from pkg import module`` imports the module; ``from module import name`` the module.
            targets = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                yield target, node.lineno


GRAPH = {name: sorted(set(_imports(name, path))) for name, path in MODULES.items()}


def _app(module):
    return module.split(".")[0]


def test_the_order_names_every_app():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps == set(FLOOR), "add the new app to LAYERS in tests/test_layering.py"


def test_no_app_imports_one_of_its_floor_or_above():
    climbing = []
    for name, targets in GRAPH.items():
        for target, line in targets:
            here, there = _app(name), _app(target)
            if here == there:
                continue
            if FLOOR[there] >= FLOOR[here]:
                climbing.append(f"{MODULES[name].relative_to(ROOT)}:{line} imports {target}")
    assert not climbing, "imports that climb:\n" + "\n".join(climbing)


def _cycles():
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    edges = {name: {target for target, _ in targets} for name, targets in GRAPH.items()}
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = 0
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_every_import_inside_a_function_says_why():
    """An import belongs at the top of its module unless it must wait (a real cycle, a costly
    library few processes use, models not loaded yet); then a comment says which."""
    silent = []
    for path in MODULES.values():
        lines = path.read_text(encoding="utf-8").splitlines()
        for function in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(function):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    above = lines[node.lineno - 2].strip()
                    if not above.startswith("#"):
                        silent.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not silent, "move to the top, or say in a comment above why not: " + ", ".join(silent)


def test_no_import_cycle():
    assert _cycles() == [], "modules that import each other (directly or round a loop)"


def test_agency_comes_from_agencies():
    wrong = []
    for path in [*MODULES.values(), *sorted((ROOT / "tests").rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module == "disclosure.models"
                and any(alias.name == "Agency" for alias in node.names)
            ):
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not wrong, "import Agency from agencies.models: " + ", ".join(wrong)
