"""One colour and one name per way of learning, and a palette of their own for classes, on every
page and chart. No imports, so a page that draws no chart (the home page) can use them without
loading Altair.

Ways: Okabe-Ito's hues, which colour-blind viewers can tell apart, darkened where needed so that
every colour here reads as text on white (WCAG AA, at least 4.5:1; tests/test_palette.py computes
each ratio): scratch is vermillion, transfer is blue, fine-tuned bluish green, the control grey,
and the simplest model black, the card titles are written in these colours. The order is the
legends' order, simplest first.

Classes (the movie reviews' positive and negative, the word map's neutral words) have colours of
their own, never a way's: orange and green mean *from scratch* and *fine-tuned* everywhere, so a
chart that colours by class must not use them (tests/test_palette.py checks that no class colour
is a way's, nor close to one).
"""
COLOURS = {
    "pixels": "#000000",     # black: the simplest model, the floor the others are read against
    "scratch": "#C24E00",    # vermillion (Okabe-Ito's #D55E00, darkened to 4.8:1)
    "transfer": "#0072B2",   # blue
    "finetune": "#008060",   # bluish green: transfer with the network's top trained too
    "control": "#6E6E6E",    # grey
    "encoder": "#5E4FC9",    # indigo: a second transfer way (a sentence encoder), no longer pale blue
    "bow": "#A6427F",        # reddish purple: a classic baseline
    "skipgram": "#8A6100",   # ochre: skip-gram trained on a user's own few texts only
    "zero_shot": "#60760A",  # olive: no labeled example at all
}
NAMES = {"pixels": "simplest (linear on pixels)", "scratch": "from scratch",
         "transfer": "transfer (frozen)", "finetune": "fine-tuned", "control": "control (random frozen)",
         "encoder": "transfer (encoder)", "bow": "bag-of-words baseline",
         "skipgram": "skip-gram on your texts", "zero_shot": "zero-shot (no labels)"}
# On the movie-review page "transfer" is the article's word vectors, the cards' "Word vectors":
# its charts name the ways as its cards do (pairs, so a chart's cache key can hold them).
TEXT_NAMES = (("transfer", "word vectors (frozen)"), ("encoder", "sentence encoder (frozen)"))

# Classes, in order: a chart with classes a, b, c uses CLASS_COLOURS[0], [1], [2] (class_colours).
CLASS_COLOURS = ["#BD0F32", "#1D5C63", "#773C22"]  # crimson, dark teal, brown
# The movie reviews' polarity, by name: negative crimson, positive teal, neutral brown.
POLARITY_COLOURS = {"negative": CLASS_COLOURS[0], "positive": CLASS_COLOURS[1],
                    "neutral": CLASS_COLOURS[2]}
# A network's weights kept frozen (the parameters chart, the picture on home): not a way, not a class.
FROZEN = "#595959"


def class_colours(classes) -> dict:
    """{class: colour} for up to len(CLASS_COLOURS) classes, in their order; beyond that the
    palette repeats (a chart of many classes names them in its legend)."""
    return {c: CLASS_COLOURS[i % len(CLASS_COLOURS)] for i, c in enumerate(classes)}
