"""One door into the engine: the app (app.py, app_pages/, ui/) imports from lib only the names lib
exports at its top (`lib.__all__`), each written `from lib import name`; every such name resolves,
is documented, and comes from the module that defines it; and what home imports loads no torch."""
import ast
import importlib
import importlib.util
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import lib

ROOT = Path(__file__).resolve().parents[1]
PUBLIC = set(lib.__all__)


def app_files() -> list:
    return [ROOT / "app.py"] + sorted((ROOT / "app_pages").rglob("*.py")) + sorted((ROOT / "ui").rglob("*.py"))


def violations(source: str, where: str = "<source>") -> list:
    """Every import of the engine in `source` that does not go through the door, as 'file:line: ...'."""
    found = []
    for node in ast.walk(ast.parse(source, where)):
        if isinstance(node, ast.Import):
            found += [f"{where}:{node.lineno}: import {a.name}" for a in node.names
                      if a.name == "lib" or a.name.startswith("lib.")]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.startswith("lib."):
                found.append(f"{where}:{node.lineno}: from {node.module} import ...")
            elif node.module == "lib":
                found += [f"{where}:{node.lineno}: from lib import {a.name} (not in lib.__all__)"
                          for a in node.names if a.name not in PUBLIC]
    return found


def test_the_check_catches_each_way_around_the_door():
    source = ("import lib.cache\nfrom lib.data import photos\nfrom lib import curves\n"
              "from lib import compare, stored_run as run\nimport lib\n"
              "def f():\n    from lib.runs import paired_difference\n")
    assert [v.split(": ", 1)[1] for v in violations(source)] == [
        "import lib.cache", "from lib.data import ...", "from lib import curves (not in lib.__all__)",
        "import lib", "from lib.runs import ..."]
    assert violations("from lib import compare, SIGNIFICANT as S\nfrom ui import cards\nimport library\n") == []


def test_the_app_imports_the_engine_only_through_its_public_api():
    files = app_files()
    assert len(files) > 20 and any(p.name == "home.py" for p in files)  # a wrong path finds nothing
    found = [v for p in files for v in violations(p.read_text(), str(p.relative_to(ROOT)))]
    assert found == [], "import these through `from lib import name` (lib/__init__.py):\n" + "\n".join(found)


def test_every_public_name_resolves_to_the_module_that_defines_it():
    submodules = {m.name.split(".")[-1] for m in pkgutil.iter_modules(lib.__path__)}
    assert not PUBLIC & submodules  # once imported, lib.<submodule> would hide such a name
    assert len(lib.__all__) == len(PUBLIC)
    for name in lib.__all__:
        module, attr = lib._where(name)
        assert getattr(lib, name) is getattr(importlib.import_module(module), attr), name
        tree = ast.parse(Path(importlib.util.find_spec(module).origin).read_text())
        defined = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
        defined |= {t.id for n in tree.body if isinstance(n, (ast.Assign, ast.AnnAssign))
                    for target in (n.targets if isinstance(n, ast.Assign) else [n.target])
                    for t in ast.walk(target) if isinstance(t, ast.Name)}
        assert attr in defined, f"{name}: {module} imports {attr} from elsewhere; map it to where it is defined"


def test_every_public_name_is_documented():
    missing = [n for n in lib.__all__ if not re.search(rf"\b{re.escape(n)}\b", lib.__doc__)]
    assert missing == [], "lib/__init__.py's docstring does not mention " + ", ".join(missing)


def test_a_name_outside_the_api_is_an_attribute_error():
    try:
        lib.no_such_name
    except AttributeError as err:
        assert "no_such_name" in str(err)
    else:
        raise AssertionError("lib.no_such_name resolved")


def test_what_home_imports_loads_no_torch():
    """The home page shows before torch loads: its own imports (the engine's through the door) do
    not import it."""
    tree = ast.parse((ROOT / "app_pages" / "home.py").read_text())
    imports = [ast.unparse(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert any(line.startswith("from lib import ") for line in imports)
    done = subprocess.run([sys.executable, "-c", "\n".join(["import sys", *imports, "print('torch' in sys.modules)"])],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "False"
