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
