"""Charts: every chart that colours by way says which colour is which."""
import json

import pandas as pd
import pytest

from ui import charts

SUMMARY = pd.DataFrame({"method": ["scratch", "transfer"] * 2, "n_per_class": [1, 1, 2, 2],
                        "mean": [.5, .6, .6, .7], "low": [.4, .5, .5, .6], "high": [.6, .7, .7, .8],
                        "seeds": 5})
HISTORY = pd.DataFrame({"method": ["scratch"] * 4 + ["transfer"] * 4, "epoch": [1, 1, 2, 2] * 2,
                        "split": ["train", "validation"] * 4, "accuracy": [.5, .4, .7, .5, .6, .5, .9, .6],
                        "loss": [1, 1.1, .8, 1, .9, 1, .5, .9]})


def _method_encodings(spec):
    """Every encoding channel, in every layer, that maps the `method` field."""
    found = []
    for layer in spec.get("layer", [spec]):
        for channel, enc in layer.get("encoding", {}).items():
            if isinstance(enc, dict) and enc.get("field") == "method" and channel in ("color", "fill"):
                found.append(enc)
    return found


@pytest.mark.parametrize("chart", [lambda: charts.learning_curve_chart(SUMMARY),
                                   lambda: charts.overfitting_chart(HISTORY),
                                   lambda: charts.history_chart(HISTORY)])
def test_charts_coloured_by_way_keep_their_legend(chart):
    spec = chart().to_dict()
    encodings = _method_encodings(spec)
    assert encodings, json.dumps(spec)[:300]
    # Vega-Lite merges a colour and a fill legend on one field; legend=None on either hides both
    assert all(enc.get("legend", {}) is not None for enc in encodings)


def test_a_chart_of_one_way_draws_no_legend_at_all():
    """The overfitting page draws one chart per way in narrow columns: a legend there took most of
    the width (seen in Chromium), and Streamlit drew it despite configure_legend(disable=True), so
    every encoding must say legend None."""
    spec = charts.overfitting_chart(HISTORY.assign(split=HISTORY.split.replace("validation", "test")),
                                    legend=False).to_dict()
    channels = [(ch, enc) for layer in spec.get("layer", [spec])
                for ch, enc in layer.get("encoding", {}).items()
                if ch in ("color", "fill", "strokeDash") and isinstance(enc, dict) and "field" in enc]
    assert {ch for ch, _ in channels} == {"color", "fill", "strokeDash"}
    assert all(enc.get("legend", "missing") is None for _, enc in channels), channels
    x_titles = [layer["encoding"]["x"].get("title") for layer in spec["layer"] if "title" in layer["encoding"]["x"]]
    assert x_titles and all(len(t) <= 16 for t in x_titles), x_titles  # fits a quarter of the page


@pytest.mark.parametrize("chart", [charts.learning_curve_chart, charts.history_chart])
def test_a_page_can_name_the_ways_as_its_cards_do(chart):
    """The movie-review page's "transfer" is the word vectors: its legends say so, other pages'
    keep the image names."""
    frame = SUMMARY if chart is charts.learning_curve_chart else HISTORY
    renamed, plain = json.dumps(chart(frame, names=charts.TEXT_NAMES).to_dict()), json.dumps(chart(frame).to_dict())
    assert "word vectors (frozen)" in renamed and "'transfer (frozen)'" not in renamed
    assert "transfer (frozen)" in plain and "word vectors" not in plain


# ---------------------------------------------------------------- every chart, read from the back of a room

from test_palette import contrast                      # noqa: E402  (WCAG's ratio, computed)

from ui import palette                                 # noqa: E402

CELLS = pd.DataFrame({"true": ["ants", "ants", "bees", "bees"], "predicted": ["ants", "bees"] * 2,
                      "count": [30, 2, 5, 25], "method": "finetune"})
PARTS = pd.DataFrame({"model": ["ResNet-50"] * 3, "part": ["trained from scratch", "pretrained, kept frozen",
                                                           "trained head (transfer)"],
                      "count": [25_557_032, 23_508_032, 4_098]})
DEPTH = pd.DataFrame({"cut": ["stage1", "head"] * 2, "depth": [1, 8] * 2,
                      "weights": ["pretrained"] * 2 + ["random (control)"] * 2, "feature_dim": [16, 1280] * 2,
                      "mean": [.6, .9, .55, .6], "low": [.5, .8, .5, .5], "high": [.7, 1., .6, .7], "seeds": 5})
EVERY_CHART = {
    "history_chart": lambda: charts.history_chart(HISTORY),
    "confusion_chart": lambda: charts.confusion_chart(CELLS),
    "learning_curve_chart": lambda: charts.learning_curve_chart(SUMMARY),
    "overfitting_chart": lambda: charts.overfitting_chart(HISTORY),
    "params_chart": lambda: charts.params_chart(PARTS),
    "depth_profile_chart": lambda: charts.depth_profile_chart(DEPTH),
}


def test_every_chart_function_is_checked_here():
    import inspect
    made = {name for name, f in inspect.getmembers(charts, inspect.isfunction)
            if f.__module__ == charts.__name__ and not name.startswith("_")
            and inspect.signature(f).return_annotation is charts.alt.Chart}
    assert made == set(EVERY_CHART), "a chart function without a check below"


def _scales(spec, found=None):
    """(field, domain, range) of every colour-like scale, in every layer."""
    found = [] if found is None else found
    if isinstance(spec, dict):
        for channel, enc in spec.get("encoding", {}).items():
            scale = enc.get("scale", {}) if isinstance(enc, dict) else {}
            if channel in ("color", "fill", "stroke") and "range" in scale:
                found.append((enc.get("field"), scale.get("domain"), scale["range"]))
        for value in spec.values():
            _scales(value, found)
    elif isinstance(spec, list):
        for value in spec:
            _scales(value, found)
    return found


@pytest.mark.parametrize("name", list(EVERY_CHART))
def test_every_charts_text_is_dark_and_large(name):
    config = EVERY_CHART[name]().to_dict()["config"]
    for part in ("axis", "legend"):
        for key in ("labelColor", "titleColor"):
            assert contrast(config[part][key]) >= 4.5, (part, key, config[part][key])   # WCAG AA on white
        assert config[part]["labelFontSize"] >= 14 and config[part]["titleFontSize"] >= 14
    assert contrast(charts.INK) >= 7                                                   # AAA, for a projector


@pytest.mark.parametrize("name", list(EVERY_CHART))
def test_every_chart_colours_each_way_with_its_palette_colour_and_never_a_class_colour(name):
    scales = _scales(EVERY_CHART[name]().to_dict())
    assert scales, "no colour scale"
    for field, domain, colours in scales:
        assert not set(colours) & set(palette.CLASS_COLOURS), (field, colours)      # a class colour on a way
        if field == "method":
            assert colours == [palette.COLOURS[m] for m in domain], (domain, colours)


def test_the_charts_that_colour_something_else_than_a_way_still_use_the_ways_colours():
    [(_, domain, colours)] = _scales(charts.params_chart(PARTS).to_dict())
    assert dict(zip(domain, colours)) == {"trained from scratch": palette.COLOURS["scratch"],
                                          "pretrained, kept frozen": palette.FROZEN,
                                          "trained head (transfer)": palette.COLOURS["transfer"]}
    [(_, domain, colours)] = {(f, tuple(d), tuple(c)) for f, d, c in _scales(charts.depth_profile_chart(DEPTH).to_dict())}
    assert dict(zip(domain, colours)) == {"pretrained": palette.COLOURS["transfer"],
                                          "random (control)": palette.COLOURS["control"]}
    [(_, _, colours)] = _scales(charts.confusion_chart(CELLS).to_dict())
    assert colours == ["#FFFFFF", palette.COLOURS["finetune"]]                      # the way's own shade


def test_every_way_the_engine_runs_has_a_colour_and_a_name():
    from lib.image.ways import WAYS
    from lib.text.ways import TEXT_WAYS
    for method in {*WAYS, *TEXT_WAYS}:
        assert method in palette.COLOURS and method in palette.NAMES, method
    scale = charts.method_scale(["zero_shot", "scratch", "pixels"]).to_dict()
    assert scale["domain"] == ["pixels", "scratch", "zero_shot"]                    # the legends' order


def _points(frame):
    import altair as alt
    return alt.Chart(frame).mark_point().encode(x="a:Q")


def test_a_chart_keyed_by_its_view_builds_its_data_once_per_view():
    """cards.chart(view=...): a stored slider position seen before neither builds nor hashes its
    data again (issue 25, the server's CPU per stored move); another view builds its own."""
    import pandas as pd
    from ui import cards
    built = []

    def data(view):
        def make():
            built.append(view)
            return (pd.DataFrame({"a": [view, view + 1]}),)
        return make

    for view in (1, 2, 1, 2, 1):
        cards.chart(_points, view=("test-view", view), data=data(view))
    assert built == [1, 2]
