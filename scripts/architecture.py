"""Draw the project's structure from its imports, for the top of docs/ARCHITECTURE.md.

    python scripts/architecture.py            # print the picture
    python scripts/architecture.py --write    # put it into docs/ARCHITECTURE.md

Every `import` counts, also those inside functions (a lazy import is still a dependency); the app
imports the engine through its one door, `from lib import name`, drawn as an arrow to the module
that defines the name (lib/__init__.py's `_API` says which). Three
layers, each importing only those below it: the pages (app.py, app_pages/) -> the app (ui/) ->
the engine (lib/). tests/test_architecture.py checks the layers, that no import runs in a circle,
and that the picture in the docs is the one this script draws from today's code.
"""
import ast
import sys
from functools import cache
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "ARCHITECTURE.md"
BEGIN, END = "<!-- architecture: drawn by scripts/architecture.py -->", "<!-- architecture: end -->"
LAYERS = {"pages": 2, "ui": 1, "lib": 0}  # a module may import only from its own layer or lower


def module_files() -> dict:
    """Module name -> file, for every module of the pages, the app and the engine."""
    files = {"app": ROOT / "app.py"}
    for folder in ("app_pages", "ui", "lib"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return files


def layer(module: str) -> str:
    top = module.split(".")[0]
    return "pages" if top in ("app", "app_pages") else top


@cache
def public_api() -> dict:
    """The engine's public names -> the module that defines each: lib/__init__.py's `_API`, read
    without importing lib (a value "module:name" names the module and what it calls the name)."""
    for node in ast.parse((ROOT / "lib" / "__init__.py").read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "_API" for t in node.targets):
            return {name: where.partition(":")[0] for name, where in ast.literal_eval(node.value).items()}
    return {}


def imports(path: Path, known, api=None) -> set:
    """The project modules `path` imports, anywhere in the file."""
    api = public_api() if api is None else api
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from lib import cache` imports the module lib.cache; `from lib.tasks import TASKS` lib.tasks;
            # `from lib import compare` (the engine's one door, lib/__init__.py) the module that defines it
            names = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in known else
                     api[a.name] if node.module == "lib" and a.name in api else node.module
                     for a in node.names]
        else:
            continue
        found |= {n for n in names if n in known}
    return found


def graph() -> dict:
    """Module -> the project modules it imports (a package's own __init__ is not an edge)."""
    files = module_files()
    return {m: {d for d in imports(p, files) if d != m and not m.startswith(d + ".")}
            for m, p in files.items()}


def cycle(g: dict):
    """One import circle, as a list of modules, or None."""
    try:
        tuple(TopologicalSorter(g).static_order())
        return None
    except CycleError as err:
        return err.args[1]


def wrong_way(g: dict) -> list:
    """Imports from a lower layer to a higher one, as 'a -> b'."""
    return [f"{m} -> {d}" for m, deps in g.items() for d in sorted(deps)
            if LAYERS[layer(d)] > LAYERS[layer(m)]]


def _floors(g: dict, modules) -> dict:
    """Each module's floor within `modules`: 1 + the highest floor of what it imports there."""
    floor = {}
    for m in TopologicalSorter({m: g[m] & set(modules) for m in modules}).static_order():
        floor[m] = 1 + max((floor[d] for d in g[m] & set(modules)), default=0)
    return floor


def _reduced(g: dict, modules) -> list:
    """The engine's arrows less those a longer path already implies (the picture stays readable)."""
    inside = {m: g[m] & set(modules) for m in modules}

    def reach(a, skip):
        seen, todo = set(), [d for d in inside[a] if d != skip]
        while todo:
            n = todo.pop()
            if n not in seen:
                seen.add(n)
                todo += inside[n]
        return seen
    return sorted((a, b) for a in modules for b in inside[a] if b not in reach(a, b))


def _node(m: str) -> str:
    return m.replace(".", "_")


def picture(g: dict) -> str:
    """The diagram (Mermaid, which GitHub draws) and the same floors in words."""
    used = {d for deps in g.values() for d in deps}
    engine = sorted(m for m in g if layer(m) == "lib" and (g[m] or m in used))  # not an empty __init__
    app = sorted(m for m in g if layer(m) == "ui" and m != "ui")
    pages = sorted(m for m in g if layer(m) == "pages")
    out = ["```mermaid", "flowchart TD",
           f'  pages["pages: app.py + app_pages/ ({len(pages) - 1} pages)"]',
           f'  ui["app: ui/ ({len(app)} modules, Streamlit)"]',
           '  pages --> ui', '  pages --> lib_engine', '  ui --> lib_engine',
           '  subgraph lib_engine ["engine: lib/ (no Streamlit)"]']
    subs = sorted({m.split(".")[1] for m in engine if m.count(".") > 1})
    for sub in subs:
        members = [m for m in engine if m == f"lib.{sub}" or m.startswith(f"lib.{sub}.")]
        out.append(f'    subgraph lib_{sub}_pkg ["lib/{sub}/"]')
        out += [f'      {_node(m)}["{"__init__" if m == f"lib.{sub}" else m.split(".")[-1]}"]' for m in members]
        out.append("    end")
    out += [f'    {_node(m)}["{m.split(".")[-1]}"]' for m in engine
            if m.count(".") == 1 and m.split(".")[1] not in subs]
    out += [f"    {_node(a)} --> {_node(b)}" for a, b in _reduced(g, engine)]
    out += ["  end", "```", "",
            "The engine's floors (a module imports only from lower floors; the arrows above leave out",
            "those a longer path implies):", "", "```"]
    floors = _floors(g, engine)
    for f in sorted(set(floors.values()), reverse=True):
        out.append(f"floor {f}: " + ", ".join(m[4:] for m in engine if floors[m] == f))
    out += ["```", "",
            "What each page imports:", ""]
    for p in pages:
        deps = sorted(g[p])
        out.append(f"- `{p.replace('.', '/') if p != 'app' else 'app'}.py` → " + ", ".join(f"`{d}`" for d in deps))
    return "\n".join(out)


def block(text: str) -> str:
    return f"{BEGIN}\n{text}\n{END}"


def written() -> str:
    """The block docs/ARCHITECTURE.md holds now ('' when it holds none)."""
    doc = DOC.read_text()
    if BEGIN not in doc or END not in doc:
        return ""
    return doc[doc.index(BEGIN):doc.index(END) + len(END)]


def main(argv) -> int:
    g = graph()
    if (c := cycle(g)) or (w := wrong_way(g)):
        print("imports in a circle: " + " -> ".join(c) if c else "imports against the layers:\n" + "\n".join(w))
        return 1
    new = block(picture(g))
    if "--write" in argv:
        doc = DOC.read_text()
        DOC.write_text(doc.replace(written(), new) if written() else new + "\n\n" + doc)
        print(f"wrote the picture into {DOC.relative_to(ROOT)}")
    else:
        print(new)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
