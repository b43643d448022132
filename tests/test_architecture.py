"""The building: an engine (lib/) with no Streamlit, an app (ui/) on top of it, pages on top of
both; imports run one way and never in a circle, and docs/ARCHITECTURE.md's picture is the one
scripts/architecture.py draws from today's code."""
import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("architecture", ROOT / "scripts" / "architecture.py")
architecture = importlib.util.module_from_spec(spec)
spec.loader.exec_module(architecture)


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_every_engine_module_imports_with_streamlit_made_unimportable():
    out = _run("import sys, importlib, pkgutil\n"
               "sys.modules['streamlit'] = None  # any `import streamlit` now raises ImportError\n"
               "import lib\n"
               "names = [m.name for m in pkgutil.walk_packages(lib.__path__, 'lib.')]\n"
               "for n in names: importlib.import_module(n)\n"
               "print(len(names))")
    assert int(out) >= 30  # the walk found the engine (a wrong path would find nothing and pass)


def test_no_engine_file_imports_streamlit_even_inside_a_function():
    found = []
    for path in sorted((ROOT / "lib").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            found += [f"{path.relative_to(ROOT)}:{node.lineno}" for n in names if n.split(".")[0] == "streamlit"]
    assert not found


def test_imports_run_pages_to_app_to_engine_and_never_in_a_circle():
    g = architecture.graph()
    assert {"app", "app_pages.home", "ui.cards", "lib.experiments", "lib.image.ways"} <= set(g)
    assert "lib.stored" in g["lib.sweeps"] and "lib.comparisons" in g["lib.stored"]
    assert "lib.image.ways" in g["lib.comparisons"]  # an import inside a function counts too
    assert architecture.wrong_way(g) == []
    assert architecture.cycle(g) is None


def test_the_checks_catch_a_circle_and_an_import_against_the_layers():
    g = {"lib.a": {"lib.b"}, "lib.b": {"lib.c"}, "lib.c": {"lib.a"}, "ui.x": set(), "app": set()}
    assert set(architecture.cycle(g)) == {"lib.a", "lib.b", "lib.c"}
    g = {"lib.a": {"ui.x"}, "ui.x": {"app"}, "app": {"lib.a"}}
    assert architecture.wrong_way(g) == ["lib.a -> ui.x", "ui.x -> app"]


def test_a_lazy_import_inside_a_function_is_an_edge(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("def f():\n    from lib import cache\n    import lib.tasks\n    from lib.runs import Run\n")
    assert architecture.imports(path, {"lib", "lib.cache", "lib.tasks", "lib.runs"}) == {"lib.cache", "lib.tasks", "lib.runs"}


def test_an_import_through_the_engines_door_is_an_edge_to_the_module_that_defines_the_name(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("from lib import compare, weight_census as census\n\ndef f():\n    from lib import SIGNIFICANT\n")
    known = {"lib", "lib.comparisons", "lib.zoo", "lib.stats", "lib.experiments"}
    assert architecture.imports(path, known) == {"lib.comparisons", "lib.zoo", "lib.stats"}
    assert architecture.public_api()["photos_available"] == "lib.data.photos"  # "module:name" -> module


def test_the_picture_in_the_docs_is_drawn_from_todays_code():
    drawn = architecture.block(architecture.picture(architecture.graph()))
    assert architecture.written() == drawn, "run: python scripts/architecture.py --write"
    assert architecture.DOC.read_text().lstrip().startswith("# ")  # the title, then the picture
    assert architecture.DOC.read_text().index(architecture.BEGIN) < 400


def test_the_public_api_comes_from_the_engine_package_without_loading_torch_for_lib_alone():
    out = _run("import sys\nimport lib, lib.cache, lib.counts\nprint('torch' in sys.modules)\n"
               "from lib import TASKS, compare, depth_profile, load_images, load_texts, sweep\n"
               "print(compare.__module__, sweep.__module__, depth_profile.__module__, TASKS)")
    light, api = out.splitlines()
    assert light == "False"  # the home page imports lib.counts and must show before torch loads
    assert api == "lib.comparisons lib.sweeps lib.comparisons ('dress', 'ants_bees', 'sentiment', 'rotten_tomatoes')"


def test_the_readme_example_imports_the_public_api_from_the_engine_package():
    readme = (ROOT / "README.md").read_text()
    example = readme[readme.index("```python") + len("```python"):].split("```")[0]
    imports = [line for line in example.splitlines() if line.startswith(("from ", "import "))]
    assert imports and all(line.startswith("from lib import ") for line in imports)
    for line in imports:
        exec(line, {})  # each name it imports exists
