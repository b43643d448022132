"""What a new user's browser shows. Emoji render as empty boxes where there is no emoji font (a
projector PC, a locked-down laptop, the CI's Chromium), so icons are Streamlit's bundled Material
Symbols, and every one named is a name the installed Streamlit knows. Sizes are said once, the
same way, beside Streamlit's own uploader text."""
from pathlib import Path

import pytest
import regex
from streamlit.material_icon_names import ALL_MATERIAL_ICONS

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT / "app.py", ROOT / "README.md", *sorted((ROOT / "app_pages").rglob("*.py")),
           *sorted((ROOT / "ui").rglob("*.py")), *sorted((ROOT / "lib").rglob("*.py"))]
# Extended_Pictographic is Unicode's set of emoji-capable symbols (🚀, ⚠, ⬅, ➕ ...); U+FE0F asks
# for emoji presentation of the character before it. Text symbols such as ✓ × → ● stay allowed.
EMOJI = regex.compile(r"[\p{Extended_Pictographic}\p{Emoji_Presentation}\uFE0F]")
MATERIAL = regex.compile(r":material/([A-Za-z0-9_]+):")


def _lines():
    for path in SOURCES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            yield f"{path.relative_to(ROOT)}:{number}", line


def test_the_scan_covers_the_app():
    names = {p.relative_to(ROOT).as_posix() for p in SOURCES}
    assert {"app.py", "app_pages/home.py", "ui/presenter.py", "ui/cards.py", "lib/text/ways.py"} <= names


def test_no_emoji_in_the_app_or_the_readme():
    found = [f"{where}: {''.join(EMOJI.findall(line))!r}" for where, line in _lines() if EMOJI.search(line)]
    assert not found, "emoji (use :material/name: or words):\n" + "\n".join(found)


def test_every_material_icon_is_one_streamlit_ships():
    unknown = [f"{where}: {name}" for where, line in _lines() for name in MATERIAL.findall(line)
               if name not in ALL_MATERIAL_ICONS]
    assert not unknown, "not in Streamlit's Material Symbols:\n" + "\n".join(unknown)


@pytest.mark.parametrize("text, emoji", [("🚀 Transfer Lab", True), ("⚠️", True), ("⬅️ Previous", True),
                                          ("✓ right, ✗ wrong · 95 % → 2 × 3", False)])
def test_the_emoji_pattern_tells_emoji_from_text_symbols(text, emoji):
    assert bool(EMOJI.search(text)) is emoji


def test_the_upload_limits_are_said_as_two_limits_beside_streamlits_per_file_text():
    import tomllib
    from streamlit.testing.v1 import AppTest
    from lib.data.uploads import MAX_TOTAL_BYTES, MB
    per_file = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]["maxUploadSize"]
    at = AppTest.from_file(str(ROOT / "app_pages" / "your_data.py"), default_timeout=120).run()
    limits = [c.value for c in at.caption if "MB for all files together" in c.value]
    assert len(limits) == 1 and f"Each file up to {per_file} MB" in limits[0]
    assert f"{MAX_TOTAL_BYTES // MB} MB for all files together" in limits[0]


def _card():
    import pandas as pd
    from types import SimpleNamespace
    from ui import cards
    history = pd.DataFrame({"epoch": [1], "split": ["train"], "loss": [0.5], "accuracy": [1.0]})
    run = SimpleNamespace(method="scratch", label="Scratch", test_accuracy=0.5, test_interval=(0.4, 0.6),
                          n_test=100, train_accuracy=1.0, trainable_params=22, total_params=22,
                          formula="", history=history, train_seconds=0.01, n_train=2)
    cards.run_card(run)


def test_one_round_is_one_round():
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_function(_card, default_timeout=300).run()
    said = [c.value for c in at.caption if "Training took" in c.value]
    assert len(said) == 1 and said[0].endswith("for 1 round over the data")
