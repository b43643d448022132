"""One colour and one name per way of learning, on every page and chart. No imports, so a page
that draws no chart (the home page) can use them without loading Altair.

Okabe-Ito colours, which colour-blind viewers can tell apart: scratch is vermillion, transfer
is blue, the control is grey, and the simplest model is black, the palette's one colour left that
reads as text on white (WCAG AA, 21:1): the card titles are written in these colours. The order
is the legends' order, simplest first.
"""
COLOURS = {
    "pixels": "#000000",     # black: the simplest model, the floor the others are read against
    "scratch": "#D55E00",    # vermillion
    "transfer": "#0072B2",   # blue
    "finetune": "#009E73",   # bluish green: transfer with the network's top trained too
    "control": "#7F7F7F",    # grey
    "encoder": "#56B4E9",    # sky blue: a second transfer way (e.g. a sentence encoder)
    "bow": "#CC79A7",        # reddish purple: a classic baseline
    "skipgram": "#E69F00",   # orange: skip-gram trained on a user's own few texts only
}
NAMES = {"pixels": "simplest (linear on pixels)", "scratch": "from scratch",
         "transfer": "transfer (frozen)", "finetune": "fine-tuned", "control": "control (random frozen)",
         "encoder": "transfer (encoder)", "bow": "bag-of-words baseline",
         "skipgram": "skip-gram on your texts"}
