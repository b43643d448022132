"""The idea as a picture: EfficientNet-Lite0 (the image pages' network) drawn as its stages, each
with its real weight count, and for each way of learning which blocks it trains on the labeled
photos and which it keeps frozen.

It only draws: the counts come from lib.counts.stage_weights (summed from the network's own
tensors once, then kept on disk, so the home page draws this without importing torch).
`picture()` is plain Python: counts in, an SVG string out, with every technical term in a
tooltip (an SVG <title>) and plain words on it.
"""
from html import escape

from lib import LITE0 as NETWORK, head_formula, head_weights, trained_by_way
from ui.palette import COLOURS, FROZEN

LABEL = "EfficientNet-Lite0"
# Each stage's name on the picture; the cut names (lib.image.backbones.LITE0_CUTS) go in tooltips
SHOWN = {"head": "last layer"}


# ---------------------------------------------------------------- the picture

W, LEFT, ROW, GAP, TOP = 1000, 174, 48, 8, 66   # viewBox width, way-name column, row height
BOLD, DASH = ' font-weight="bold"', ' stroke-dasharray="4 3"'
TRAINS = 148                                    # the right column: weights trained


def _box(x, y, w, h, fill, stroke, text, tip, colour="#FFFFFF", dash=False, size=13, bold=False):
    tip = f"<title>{escape(tip)}</title>" if tip else ""
    lines = text.split("\n")
    mid = y + h / 2 - (len(lines) - 1) * (size + 2) / 2
    words = "".join(
        f"<text x='{x + w / 2:.1f}' y='{mid + k * (size + 2):.1f}' text-anchor='middle' "
        f"dominant-baseline='central' font-size='{size}' fill='{colour}'"
        f"{BOLD if bold else ''}>{escape(line)}</text>" for k, line in enumerate(lines))
    return (f"<g>{tip}<rect x='{x:.1f}' y='{y:.1f}' width='{w:.1f}' height='{h:.1f}' rx='5' "
            f"fill='{fill}' stroke='{stroke}' stroke-width='1.5'"
            f"{DASH if dash else ''}/>{words}</g>")


def _text(x, y, text, colour="#000000", anchor="start", size=14, bold=False, tip=""):
    tip = f"<title>{escape(tip)}</title>" if tip else ""
    return (f"<g>{tip}<text x='{x:.1f}' y='{y:.1f}' text-anchor='{anchor}' dominant-baseline='central' "
            f"font-size='{size}' fill='{colour}'{BOLD if bold else ''}>"
            f"{escape(text)}</text></g>")


def picture(counts: dict, classes: int = 2, cut: str | None = None) -> str:
    """The SVG: a header row with the network's stages (name, weights), then one row per way:
    its blocks filled with its colour where it trains them, outlined in grey where it keeps them
    frozen, dashed where it does not use them; on the right, how many weights it trains.
    cut: where the frozen head reads the network (an image page's current cut; default the
    last stage): the stages after it are not used, and the head reads that stage's features."""
    stages = counts["stages"]
    n = len(stages)
    body = W - LEFT - TRAINS
    photo_w, head_w = 58, 92
    block_w = (body - photo_w - head_w - GAP * (n + 1)) / n
    xs = [LEFT + photo_w + GAP + i * (block_w + GAP) for i in range(n)]
    head_x = xs[-1] + block_w + GAP
    d = stages[-1]["features"]
    weights = trained_by_way(counts, classes)
    cuts = [st["cut"] for st in stages]
    reads = cuts.index(cut) if cut in cuts else n - 1  # the frozen head's stage
    weights["transfer"] = head_weights(stages[reads]["features"], classes)
    out = []
    # header: the network's stages with their weight counts
    out.append(_text(LEFT + photo_w + GAP, 12, f"{LABEL}, pretrained on 1.28 million ImageNet photos: "
                     f"{sum(s['weights'] for s in stages):,} weights", size=15, bold=True,
                     tip=f"The image pages' network ({NETWORK}), its stages as "
                         f"lib.image.backbones cuts it. Its own last layer, the ImageNet classifier "
                         f"of {counts['classifier']:,} weights, is left out: a new head replaces it."))
    for s, x in zip(stages, xs):
        name = SHOWN.get(s["cut"], s["cut"].replace("stage", "stage "))
        out.append(_text(x + block_w / 2, 34, name, anchor="middle", size=14, bold=True,
                         tip=f"cut {s['cut']!r}: {s['features']:,} channels out, so a head reading "
                             f"here gets {s['features']:,} features"))
        out.append(_text(x + block_w / 2, 52, f"{s['weights']:,}", anchor="middle", size=13,
                         colour="#333333", tip=f"{s['weights']:,} weights in {name}"))
    out.append(_text(head_x + head_w / 2, 34, "new head", anchor="middle", size=14, bold=True,
                     tip=f"A linear layer, (D + 1) × C weights: one per feature plus a bias, for "
                         f"each of the C = {classes} classes"))
    out.append(_text(W - TRAINS + 10, 34, "learns from", size=14, bold=True))
    out.append(_text(W - TRAINS + 10, 52, "your photos", size=14, bold=True))
    frozen = lambda x, s: _box(x, y, block_w, ROW - GAP, "#FFFFFF", FROZEN, "frozen", (
        f"{s['cut']}: kept as pretrained on ImageNet, never changed by your photos"), colour=FROZEN, size=13)
    # the cards' short titles (ui.cards.TITLES; not imported here: it loads Altair)
    rows = [("pixels", "Simplest"), ("scratch", "From scratch"), ("transfer", "Transfer: frozen head"),
            ("finetune", "Fine-tuned")]
    for r, (way, title) in enumerate(rows):
        y = TOP + r * ROW
        colour = COLOURS[way]
        out.append(_text(2, y + (ROW - GAP) / 2, title, colour=colour, size=15, bold=True))
        out.append(_box(LEFT, y, photo_w, ROW - GAP, "#FFFFFF", "#000000", "photo", "", colour="#000000", size=13))
        if way == "pixels":
            thumb = counts["thumb"]
            out.append(_box(xs[0], y, xs[-1] + block_w - xs[0], ROW - GAP, "#FFFFFF", FROZEN,
                            f"no network: the photo itself, shrunk to {thumb} × {thumb} pixels",
                            f"{counts['pixels']:,} numbers ({thumb} × {thumb} pixels × 3 colours) "
                            f"go straight into the head", colour="#333333", dash=True, size=14))
            d_in = counts["pixels"]
        elif way == "scratch":
            out.append(_box(xs[0], y, xs[-1] + block_w - xs[0], ROW - GAP, colour, colour,
                            "a small network of its own, every weight random at first",
                            "Not EfficientNet-Lite0: this app's small CNN (3 convolution blocks), "
                            "trained whole, its head included", size=14))
            d_in = None
        else:
            for i, (s, x) in enumerate(zip(stages, xs)):
                if way == "transfer" and i > reads:
                    out.append(_box(x, y, block_w, ROW - GAP, "#FFFFFF", FROZEN, "not used",
                                    f"{s['cut']}: after the cut, not used by the frozen head",
                                    colour="#333333", dash=True, size=13))
                elif way == "finetune" and s["cut"] in counts["finetuned"]:
                    out.append(_box(x, y, block_w, ROW - GAP, colour, colour, "trained",
                                    f"{s['cut']}: starts from its pretrained weights and is "
                                    f"trained further on your photos ({s['weights']:,} weights)", size=13))
                else:
                    out.append(frozen(x, s))
            d_in = stages[reads]["features"] if way == "transfer" else d
        if d_in is not None:
            out.append(_box(head_x, y, head_w, ROW - GAP, colour, colour,
                            f"reads {d_in:,}", f"Reads {d_in:,} features; "
                            f"{head_formula(d_in, classes)} weights", size=13))
        else:
            out.append(_box(head_x, y, head_w, ROW - GAP, colour, colour, "its own head",
                            "the last layer of the small network", size=13))
        out.append(_text(W - TRAINS + 8, y + (ROW - GAP) / 2, f"{weights[way]:,} weights",
                         colour=colour, size=14, bold=True,
                         tip=(f"(D + 1) × C = {head_formula(d_in, classes)}" if way in ("pixels", "transfer")
                              else f"{weights[way]:,} weights trained on your labeled photos")))
    height = TOP + len(rows) * ROW
    return (f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {W} {height}' width='100%' "
            f"role='img' aria-label='How each way of learning uses {LABEL}' "
            f"style='font-family:inherit;max-width:{W * 1.25:.0f}px'>{''.join(out)}</svg>")
