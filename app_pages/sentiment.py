"""Movie reviews: a few labeled reviews, learned from scratch, on skip-gram vectors pretrained on
unlabeled reviews (the article's method), on a real pretrained sentence encoder, and with no label
at all (zero-shot). Real Rotten Tomatoes snippets lead when they are on this computer; the
generated corpus is the article's controlled setting, a switch away.

One idea per page: the comparison (every way's card and the verdicts) comes first; what
pretraining learned, the unlabeled-amount experiment, the article's toy and the recipes sit in
tabs and expanders below it. Terms (skip-gram, cosine similarity, epoch, ULMFiT) are said in plain
words on screen and named in tooltips."""
import numpy as np
import pandas as pd
import streamlit as st

from lib import (DRAW_SEEDS, ENCODER_MODEL, ROTTEN_CREDIT, ROTTEN_NAME, ROTTEN_SIZE_MB, TEXT_FINETUNE, TEXT_HIDDEN,
                 UNLABELED, ZERO_SHOT_DESCRIPTIONS,
                 SkipGramConfig, TrainConfig, clearly_ahead, handwritten_reviews, polarity, polarity_agreement,
                 probe_recipe, rotten_checksum, sentiment_task, toy_corpus)
from ui import cards, charts, controls, live, presenter, state, text as ui_text, words


AMOUNTS = (0, 500, 2_000, 5_000, UNLABELED)
TOY_SEEDS = 20
REAL, GENERATED = "real", "generated"
SOURCES = {REAL: "Real reviews (Rotten Tomatoes)", GENERATED: "Generated reviews (the article's controlled setting)"}
SKIPGRAM_HELP = ("Skip-gram (word2vec): each word gets a vector, learned by predicting the words "
                 "around it in unlabeled text, so words used in the same places get similar vectors.")

st.title(":material/movie: Movie reviews: positive or negative?")


@st.cache_resource(show_spinner="Writing the review corpus…")
def generated():
    return sentiment_task()


hand = handwritten_reviews()
real, why_not = ui_text.real_reviews()
if real is not None:
    state.url_choice("reviews", REAL, list(SOURCES))
    source = st.segmented_control("Reviews", list(SOURCES), format_func=SOURCES.get, key="reviews") or REAL
    state.remember(reviews=source)
else:
    source = GENERATED
    off = " Downloads are off on this computer (TRANSFER_LAB_OFFLINE)." if why_not == "offline" else ""
    offline_notice = (f"**The real movie reviews are not on this computer**, so this page uses "
                      f"generated ones.{off} To get them ({ROTTEN_SIZE_MB} MB, once): open this page "
                      f"on a computer with a network, or run `python scripts/prefetch.py --write "
                      f"pack.tar.gz` there and `python scripts/prefetch.py --read pack.tar.gz` here.")
    if not presenter.is_on():  # presenter mode says it in the folded introduction's label:
        # a 1280 x 720 window's first screen is for the results
        st.info(offline_notice, icon=":material/cloud_off:")
        if why_not != "offline":
            with st.expander("What the download said"):
                st.code(why_not, language=None, wrap_lines=True)
t = real if source == REAL else generated()
task_name = ROTTEN_NAME if source == REAL else "sentiment"

QUESTION = ("With only a handful of labeled reviews, a classifier that learns everything from them "
            "does little better than a coin. Does what a network learned beforehand from "
            "**unlabeled** text fix that? (The article's second example.)")
# In presenter mode the introduction folds under "About this page" (presenter.intro), so the first
# screen holds the slider, the sentence over draws and every card's accuracy.
if source == REAL:
    about = presenter.intro(f"{QUESTION} Here the reviews are **real** one-sentence snippets from "
                            f"Rotten Tomatoes: {len(t.pool):,} to draw labeled examples from, "
                            f"{len(t.test):,} to test.")
    with about:
        st.caption(ROTTEN_CREDIT)
    examples = [f"- *{t.test.texts[i]}* — **{t.classes[t.test.labels[i]]}**" for i in range(6)]
else:
    about = presenter.intro(f"{QUESTION} Here the reviews are **generated**, the article's controlled "
                            f"setting where every word's sentiment is known: {len(t.pool):,} to draw "
                            f"labeled examples from, {len(t.test):,} to test, {UNLABELED:,} unlabeled, "
                            f"and {len(hand)} written by hand as a second test.",
                            label="About this page" if real is not None else
                            "About this page · generated reviews: the real ones are not on this computer")
    with about:
        if real is None and presenter.is_on():
            st.info(offline_notice, icon=":material/cloud_off:")
        st.caption("How they are generated: assets/DATA_CARD_reviews.md")
    examples = ([f"- *{hand.texts[i]}* — hand-written, **{hand.classes[hand.labels[i]]}**"
                 for i in np.r_[0:3, len(hand) - 3:len(hand)]] +
                [f"- *{t.test.texts[i]}* — generated, **{t.classes[t.test.labels[i]]}**" for i in range(4)])
with (about if presenter.is_on() else st.expander("Example reviews")):  # expanders do not nest
    st.markdown("\n".join(examples))

seed = controls.seed_input()
options = {}
if source == GENERATED:
    state.url_int("unlabeled", UNLABELED, 0, UNLABELED)
    if st.session_state["unlabeled"] not in AMOUNTS:
        st.session_state["unlabeled"] = UNLABELED
    unlabeled = st.sidebar.select_slider(
        "Unlabeled reviews read before training", AMOUNTS, key="unlabeled",
        help="How many unlabeled reviews the word vectors are pretrained on. " + SKIPGRAM_HELP)
    state.remember(unlabeled=unlabeled)
    options["unlabeled"] = unlabeled
state.url_bool("encoder", True)
encoder = st.sidebar.toggle("Sentence encoder (with labels and without)", key="encoder",
                            help="all-MiniLM-L6-v2, a real pretrained encoder shipped in a PyPI package "
                                 "(offline): a linear head on its vectors, and the same vectors with "
                                 "no label at all (zero-shot).")
state.remember(encoder=encoder)
options.update(encoder=encoder, zero_shot=encoder)
DESCRIPTIONS = ZERO_SHOT_DESCRIPTIONS[task_name]
CLOSER = ("the description it is closer to, read by the sentence encoder",
          "Cosine similarity: the angle between the review's vector and each description's vector; "
          "the smaller the angle, the closer.")


def no_labels(n_train_ways: list) -> None:
    """The slider's first step: the zero-shot run alone, and what the other ways need."""
    c = cards.run_compare(task_name, 0, seed)
    if c is None:
        return
    cards.show_notices(c)
    left, right = st.columns([1, 2])
    with left:
        ui_text.zero_shot_card(c.runs["zero_shot"])
    with right:
        st.markdown(
            f"**No labeled examples.** The sentence encoder, pretrained on over a billion sentence "
            f"pairs, puts each of the {len(t.test):,} test reviews with {CLOSER[0]}: "
            f"{' and '.join(f'“{d}”' for d in DESCRIPTIONS)}, written once before anything was "
            f"measured. That is what pretraining knows before the first label: where the learning "
            f"curve starts.", help=CLOSER[1])
        st.info(f"The other ways need labeled examples: {', '.join(n_train_ways)} all learn their "
                "weights from them, so at 0 they have nothing to learn from. Move the slider to 1 or "
                "more.", icon=":material/info:")
    st.subheader("Type a review")
    text = st.text_input("Your review", "Slow at first, but wonderful.", key="sentence")
    if text.strip():
        st.dataframe(ui_text.predictions(c, text), hide_index=True)


def what_was_read(c) -> str:
    """The pretrained parts of this comparison in plain words (the engine's wording in a tooltip)."""
    parts = []
    if "transfer" in c.runs and "skipgram" in c.transfer.details:
        parts.append(f"word vectors pretrained here on {c.transfer.details['skipgram']['texts']:,} "
                     "unlabeled reviews")
    if "encoder" in c.runs:
        parts.append("a sentence encoder pretrained on over a billion sentence pairs")
    return " and ".join(parts)


def why_not_clearly() -> None:
    """Why the article's method does not win clearly on this draw, in words a room can follow."""
    second = (
        "Second, the word vectors put words close when they are used in the same places. In these "
        "reviews \"great\" and \"bad\" fill the same slots (\"the acting was ___\"), so they group "
        "words by slot as much as by sentiment (tab *What pretraining learned*), and an average of "
        "them blurs the little sentiment they hold."
        if source == GENERATED else
        f"Second, the word vectors here are pretrained on only the {len(t.pool):,} short snippets "
        "of the pool, where word vectors worth the name read millions of sentences, and in them the "
        "same words fill positive and negative sentences alike.")
    with st.expander("Why doesn't the article's method win clearly here?", icon=":material/help:"):
        st.markdown(
            "First, luck: with few labeled reviews, which ones are drawn moves accuracy by several "
            f"points, so try other seeds (the learning-curves page averages them). {second} The "
            "article's 50 % → 100 % came from two test reviews (see *The article's toy* below). The "
            "sentence encoder, pretrained on far more text, is the fairer picture of what "
            "pretraining can give.")


def more_tabs(c, n: int) -> None:
    """Everything after the comparison, one tab each."""
    names = ["Train vs test", "Weights each way learns", "Try a review", "What pretraining learned"]
    if source == GENERATED:
        names += ["Hand-written reviews", "How much unlabeled text?"]
    tabs = dict(zip(names, st.tabs(names)))

    with tabs["Train vs test"]:
        st.caption("Accuracy after each round over the labeled reviews. Dashed: on the reviews a way "
                   "trains on. Solid: on the test reviews, shown for reading only (no way stops or "
                   "chooses by it). A wide gap is memorising instead of learning.",
                   help="A round over every labeled example is an epoch.")
        h = cards.histories(c)
        acc, loss = st.tabs(["Accuracy", "Loss"])
        torch_ways = h[h.method.isin(ui_text.TORCH_WAYS)]
        cards.chart(charts.history_chart, torch_ways, where=acc, names=charts.TEXT_NAMES)
        cards.chart(charts.history_chart, torch_ways, "loss", where=loss, names=charts.TEXT_NAMES)

    with tabs["Weights each way learns"]:
        # A static table: its cells wrap, where a data grid cut the long formulas off at 1400 px.
        runs = list(c.runs.values())
        weights = pd.DataFrame({
            "trained weights": [r.trainable_params for r in runs],
            "frozen pretrained weights": [r.total_params - r.trainable_params for r in runs],
            "how the trained weights are counted": [r.formula for r in runs]},
            index=pd.Index([r.label for r in runs], name="way"))
        st.table(weights.style.format("{:,}", subset=["trained weights", "frozen pretrained weights"]))

    with tabs["Try a review"]:
        text = st.text_input("Your review", "Slow at first, but wonderful.", key="sentence")
        here = inside(c, n, "review")
        if here is not None and text.strip():
            st.dataframe(ui_text.predictions(here, text), hide_index=True)

    with tabs["What pretraining learned"]:
        here = inside(c, n, "vectors")
        if here is not None:
            pretraining_learned(here)

    if source != GENERATED:
        return
    with tabs["Hand-written reviews"]:
        st.markdown("Accuracy on the hand-written reviews: their words are often not in the "
                    "generated corpus, a harder, more honest test.")
        st.dataframe(pd.DataFrame({"way": [r.label for r in c.runs.values()],
                                   "accuracy": [cards.percent(r.extra_tests["hand-written"]) for r in c.runs.values()],
                                   "reviews": len(hand)}), hide_index=True)

    with tabs["How much unlabeled text?"]:
        st.markdown(f"The article cites an experiment that kept 500 labeled reviews fixed and "
                    f"varied the unlabeled ones read beforehand. Here: the word vectors' way at "
                    f"**{n:,} labeled reviews per class**, pretrained on "
                    f"{', '.join(f'{a:,}' for a in AMOUNTS)} unlabeled reviews (from scratch, which "
                    "reads none, for reference). Pretraining the first time takes a while; then it "
                    "is kept.",
                    help="Frame's experiment with ULMFiT (Universal Language Model Fine-tuning), a "
                         "language model pretrained on unlabeled text and then fine-tuned.")
        if st.button("Run the unlabeled-amount experiment", key="run_curve"):
            bar = cards.Progress("Pretraining and training…")
            curve = ui_text.unlabeled_curve(n, seed, AMOUNTS, _progress=bar)
            bar.done()
            cards.chart(charts.learning_curve_chart, curve, height=280, x="unlabeled",
                        x_title="unlabeled reviews used for pretraining", log=False, names=charts.TEXT_NAMES)


@st.cache_resource(show_spinner=False, max_entries=8)
def _trained_here(task: str, n: int, seed: int, options: tuple):
    from lib import compare
    return compare(task, n, seed, **dict(options))


def inside(c, n: int, key: str):
    """`c` if its models are in this process; else, on a click, the same draw trained here once
    (the same seed gives the same numbers): what the workers trained comes back as numbers only,
    and reading a typed review or the word vectors needs the models themselves."""
    if any(ui_text.text_live(r) is not None for r in c.runs.values()):
        return c
    settings = (task_name, int(n), int(c.seed), tuple(sorted(options.items())))
    if st.session_state.get("_trained_here") != settings:
        st.caption("These results came back from the workers as numbers. To read your own review "
                   "or look at the word vectors, this draw is trained once more here, with the "
                   "same seed and so the same numbers.")
        if not st.button("Train this draw here", key=f"here_{key}", icon=":material/play_arrow:"):
            return None
        st.session_state["_trained_here"] = settings
    with st.spinner("Training this draw here, once…"):
        return _trained_here(*settings)


def pretraining_learned(c) -> None:
    """The pretrained word vectors' nearest words, how often they share a sentiment, and a map."""
    words = ui_text.word_vectors(c.transfer)[0]
    if not words:
        st.info("With no unlabeled reviews there are no pretrained word vectors: that way sees "
                "every review as the same zero vector and can only guess one class.")
        return
    st.caption("Before any label, each word got a vector from reading unlabeled reviews: words "
               "used in the same places get vectors that point the same way.", help=SKIPGRAM_HELP)
    choices = [w for w in ("great", "boring", "superb", "awful", "not", "acting") if w in words] + \
              sorted(w for w in words if polarity(w) != "neutral")
    word = st.selectbox("Word", list(dict.fromkeys(choices)), key="word")
    lexicon = ("the generator's word list" if source == GENERATED else
               "the generated corpus's word list (written for it; the real reviews use many words "
               "it does not hold)")
    st.caption(f"Its nearest words, each with its sentiment in {lexicon} and how alike the two "
               "vectors are (1: pointing the same way, 0: unrelated).",
               help="Cosine similarity of the two word vectors.")
    st.dataframe(ui_text.neighbour_table(c.runs, word))
    agree, chance = polarity_agreement(*ui_text.word_vectors(c.transfer))
    if agree == agree:  # not NaN
        st.markdown(f"Over all sentiment words, **{cards.percent(agree)}** of their 5 nearest "
                    f"pretrained neighbours (among sentiment words) share their sentiment; "
                    f"picking neighbours at random would give {cards.percent(chance)}.")
    st.caption("Each dot is one of the most frequent words. Its word vector is flattened onto "
               "the two directions along which the words' vectors differ most.",
               help="A principal component analysis (PCA) of each way's word vectors: the axes "
                    "are their first and second principal components.")
    left, right = st.columns(2)
    cards.chart(ui_text.word_map, *ui_text.word_vectors(c.transfer), "Pretrained on unlabeled reviews", where=left)
    cards.chart(ui_text.word_map, *ui_text.word_vectors(c.scratch), "Learned from the labeled reviews only", where=right)


@st.fragment
def experiment():
    n = controls.n_per_class_slider(default=16, hi=500, zero=True)
    if n == 0:
        no_labels(["from scratch (every weight)", "the word vectors' head", "the encoder's head",
                   "the fine-tuned encoder", "bag of words (a weight per word)"])
        return
    headline = st.container()  # what holds over draws: read first, filled once they are in
    # The workers train every way and store it (issue 28: not one at a time in this process);
    # the page then reads the comparison back from disk.
    if not live.trained(task_name, n, seed, **options):
        return
    c = cards.run_compare(task_name, n, seed, **options)
    if c is None:
        return
    cards.show_notices(c)
    labeled = len(c.train_index) + len(c.val_index)
    said = (f"every one of them trains, and the sentence above holds over {len(DRAW_SEEDS)} draws. "
            f"Pretrained beforehand: {what_was_read(c)}.")
    ui_text.side_by_side(c)
    # under the cards, as on the image pages: every card's accuracy stays on the first screen;
    # presenter mode: one line, the rest in the tooltip
    st.caption(f"**The cards: one draw** of {labeled:,} labeled reviews (seed {seed})"
               + ("." if presenter.is_on() else f"; {said}"),
               help=(f"The cards: {said[0].upper()}{said[1:]} " if presenter.is_on() else "") +
                    f"{c.backbone}. No validation split: no review is held back to tune on, and "
                    "nothing is chosen on the test reviews.")
    cards.verdict(c)
    over = cards.over_draws(headline, lambda progress: live.over_draws(task_name, n, progress=progress, **options),
                            n, "reviews", words.TEXT_IN_A_SENTENCE)
    presenter.say("sentiment", comparison=c, over=over)
    pairs = [(a, b) for a, b in (("encoder", "scratch"), ("finetune", "scratch"), ("finetune", "encoder"),
                                 ("encoder" if "encoder" in c.runs else "transfer", "zero_shot"))
             if a in c.runs and b in c.runs]
    if pairs:  # the article's question first; the other pairs a click away (the page stays short)
        with st.expander("The other ways against each other, on this draw", icon=":material/compare_arrows:"):
            for a, b in pairs:
                cards.verdict(c, a, b)
    if not clearly_ahead(c):  # not ahead by more than chance (was: within 2 points, whatever the test said)
        why_not_clearly()
    with st.expander("Look closer: training round by round, the weights, your own review, what "
                     "pretraining learned", icon=":material/zoom_in:"):
        more_tabs(c, n)
    if "encoder" in c.runs:
        with st.expander("Where to cut the sentence encoder", icon=":material/layers:"):
            ui_text.depth_section(task_name, n, np.concatenate([c.train_index, c.val_index]))
    live.prefetch(task_name, n, seed, 500, **options)  # the neighbouring sizes, on the workers


experiment()

unl, train, test = toy_corpus(0)
full_test = generated().test
with st.expander("The article's toy: 50 % → 100 % on two test reviews", icon=":material/science:"):
    st.markdown(
        f"The article pretrained word vectors ({SkipGramConfig(dims=4).dims} numbers per word) on "
        f"{len(unl)} unlabeled reviews, trained on {len(train)} labeled ones and tested on "
        f"{len(test)}, and reported 50 % → 100 %. With {len(test)} test reviews each way gets 0, 1 "
        f"or 2 right, so **0 %, 50 % and 100 % are the only possible scores**: one lucky review "
        f"moves the result by 50 points. Here the same setup runs on {TOY_SEEDS} freshly generated "
        f"toy corpora, and every toy model is also scored on the full {len(full_test):,}-review "
        "generated test set.", help=SKIPGRAM_HELP)
    if st.button(f"Run the toy on {TOY_SEEDS} seeds", key="run_toy"):
        bar = cards.Progress("Running the toy…")
        toy = ui_text.toy_table(TOY_SEEDS, _progress=bar)
        bar.done()
        st.altair_chart(ui_text.toy_chart(toy), width="stretch")
        summary = toy.groupby("method", sort=False).agg(["mean", "std"])
        st.dataframe(pd.DataFrame({
            "way": [charts.NAMES[m] for m in summary.index],
            "on 2 test reviews": [f"{100 * a:.0f} % ± {100 * s:.0f}" for a, s in summary["two reviews"].values],
            f"on {len(full_test):,} test reviews": [f"{100 * a:.1f} % ± {100 * s:.1f}" for a, s in summary["full test set"].values]}),
            hide_index=True)
        st.caption(f"Mean ± standard deviation over {TOY_SEEDS} seeds.")

cfg = SkipGramConfig()
reads = (f"the {len(t.pool):,} real snippets of the labeled pool, without their labels" if source == REAL
         else "the unlabeled generated reviews (the sidebar's amount)")
cards.training_settings_expander({
    "From scratch": f"mean of word vectors ({cfg.dims} dimensions, one per word of the training "
                    f"reviews) → {TEXT_HIDDEN} hidden units (ReLU) → 2 classes; {TrainConfig().in_words()}",
    "Transfer: word vectors (skip-gram)": f"{cfg.in_words()}, plain mean of word vectors (the "
                                          f"article's), read from {reads}; pretrained once (seed 0); "
                                          f"head: {TrainConfig().in_words()}",
    "Transfer: sentence encoder": f"{ENCODER_MODEL} sentence embeddings → linear head: "
                                  + probe_recipe("labeled reviews"),
    "Fine-tuned: sentence encoder": f"{ENCODER_MODEL}'s top layer (of 6) unfrozen from its pretrained "
                                    f"weights, its mean pooling, a new linear head; the 5 layers below run "
                                    f"once per review (kept); {TEXT_FINETUNE.in_words()} (SetFit's defaults "
                                    f"for training a sentence encoder end to end)",
    "No labels (zero-shot)": f"{ENCODER_MODEL}: each review to the description its vector is closest "
                             f"to (cosine), {' / '.join(f'“{d}”' for d in DESCRIPTIONS)}, written "
                             "once before anything was measured; nothing trained",
    "Bag-of-words baseline": "which words a review contains → " + probe_recipe(standardised=False),
    "Test sets": (f"{len(t.test):,} real snippets, balanced, drawn once with a fixed seed and never "
                  f"trained on (nor read by skip-gram)" if source == REAL else
                  f"{len(t.test):,} generated reviews, balanced, never trained on; "
                  f"{len(hand)} hand-written reviews"),
})
if source == REAL:
    st.caption(f"Data: {ROTTEN_CREDIT} sha256 {rotten_checksum() or 'not recorded'} of the tarball "
               "as it arrived (no published checksum to check against).")
