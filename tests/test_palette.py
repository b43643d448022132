"""One colour, one meaning: every colour reads on white (WCAG AA), a class never wears a way's
colour, and the charts that colour by class use the classes' palette."""
import itertools

import pandas as pd
import pytest

from ui import charts, palette


def luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""
    rgb = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str = "#FFFFFF") -> float:
    hi, lo = sorted([luminance(a), luminance(b)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def lab(hex_colour: str) -> tuple:
    """CIE L*a*b* (D65) of an sRGB colour."""
    rgb = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    xyz = ((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b,
           (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883)
    f = [t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in xyz]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def distance(a: str, b: str) -> float:
    """CIE76 colour difference: about 2.3 is just noticeable; two chart colours need far more."""
    return sum((x - y) ** 2 for x, y in zip(lab(a), lab(b))) ** 0.5


EVERY = {**{f"way {k}": v for k, v in palette.COLOURS.items()},
         **{f"class {i}": v for i, v in enumerate(palette.CLASS_COLOURS)},
         **{f"polarity {k}": v for k, v in palette.POLARITY_COLOURS.items()}, "frozen": palette.FROZEN}


def test_the_contrast_ratio_is_computed_as_wcag_defines_it():
    assert contrast("#000000") == pytest.approx(21)
    assert contrast("#FFFFFF") == pytest.approx(1)
    assert contrast("#767676") == pytest.approx(4.54, abs=0.01)   # the classic lightest AA grey


@pytest.mark.parametrize("name", list(EVERY))
def test_every_colour_passes_wcag_aa_on_white(name):
    assert contrast(EVERY[name]) >= 4.5, f"{name} {EVERY[name]}: {contrast(EVERY[name]):.2f}:1"


def test_no_class_wears_a_ways_colour_nor_one_close_to_it():
    ways = palette.COLOURS.values()
    for c in palette.CLASS_COLOURS:
        assert c.upper() not in {w.upper() for w in ways}
        assert min(distance(c, w) for w in ways) > 20, c
    assert set(palette.POLARITY_COLOURS.values()) <= set(palette.CLASS_COLOURS)
    assert palette.FROZEN not in set(ways) | set(palette.CLASS_COLOURS)


def test_each_colour_means_one_thing():
    for group in (list(palette.COLOURS.values()), palette.CLASS_COLOURS):
        assert len(set(group)) == len(group)
        assert min(distance(a, b) for a, b in itertools.combinations(group, 2)) > 20


def test_the_pale_sky_blue_of_transfer_b_is_gone():
    assert "#56B4E9" not in {c.upper() for c in EVERY.values()}
    assert set(palette.NAMES) == set(palette.COLOURS)       # every way with a colour has a name


def test_class_scale_gives_classes_the_class_palette_and_never_a_ways_colour():
    scale = charts.class_scale(["negative", "positive", "neutral"], palette.POLARITY_COLOURS).to_dict()
    assert scale["range"] == [palette.POLARITY_COLOURS[c] for c in ("negative", "positive", "neutral")]
    scale = charts.class_scale(["ants", "bees"]).to_dict()
    assert scale["domain"] == ["ants", "bees"] and scale["range"] == palette.CLASS_COLOURS[:2]
    assert not set(scale["range"]) & set(palette.COLOURS.values())


def test_the_parameters_chart_shows_frozen_weights_in_no_ways_colour_and_one_gridline_a_decade():
    parts = pd.DataFrame({"model": ["ResNet-50"] * 3, "part": ["trained from scratch", "pretrained, kept frozen",
                                                               "trained head (transfer)"],
                          "count": [25_557_032, 23_508_032, 4_098]})
    spec = charts.params_chart(parts).to_dict()
    colour = spec["encoding"]["color"]["scale"]
    assert dict(zip(colour["domain"], colour["range"]))["pretrained, kept frozen"] == palette.FROZEN
    assert spec["encoding"]["x"]["axis"]["values"] == [10 ** k for k in range(9)]  # 1 to 100 million


def test_the_word_map_colours_words_by_the_class_palette():
    import numpy as np

    from ui import text
    words = ["great", "awful", "the", "film"]
    spec = text.word_map(words, np.random.default_rng(0).normal(size=(4, 8)), "map").to_dict()
    scale = spec["encoding"]["color"]["scale"]
    assert set(scale["range"]) <= set(palette.CLASS_COLOURS)
    assert not set(scale["range"]) & set(palette.COLOURS.values())
