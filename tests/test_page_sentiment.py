"""The sentiment page under AppTest: renders offline, reacts to the slider, a typed review, the toy.

Skip-gram reads 500 unlabeled reviews and the encoder is off (set through the URL, as a presenter's
link would), so the page trains in seconds; the encoder is tested in test_text_ways.
"""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[1] / "app_pages" / "sentiment.py")


@pytest.fixture(scope="module")
def page(quick_training_module):  # the page's flows; the ways' accuracy is tested in lib's tests
    at = AppTest.from_file(PAGE, default_timeout=600)
    at.query_params["unlabeled"] = "500"
    at.query_params["encoder"] = "0"
    return at.run()


def metrics(at):
    return [m.value for m in at.metric]


def test_renders_without_errors(page):
    assert not page.exception and not page.error
    assert page.select_slider(key="n_per_class").value == 16
    assert page.select_slider(key="unlabeled").value == 500
    assert len(page.metric) == 6   # accuracy and weights for scratch, skip-gram's head, bag-of-words
    assert any("500 unlabeled" in c.value for c in page.caption)


def test_the_comparison_comes_first_and_the_rest_sits_in_tabs_and_expanders(page):
    # one idea on the first screens: the cards and the verdict; what pretraining learned, the
    # unlabeled-amount experiment, the toy and the recipes are a click away, not a scroll
    assert not page.subheader and not page.header   # no section pushes the comparison apart
    assert [t.label for t in page.tabs if t.label not in ("Accuracy", "Loss")] == [
        "Train vs test", "Weights each way learns", "Try a review", "What pretraining learned",
        "Hand-written reviews", "How much unlabeled text?"]
    expanders = [e.label for e in page.expander]
    assert "The article's toy: 50 % → 100 % on two test reviews" in expanders
    assert expanders[-1].startswith("How each way is trained")
    main = list(page.main)
    kinds = [type(e).__name__ for e in main]
    verdicts = [i for i, e in enumerate(main)
                if kinds[i] == "Markdown" and e.value.startswith("On this draw of 16 labeled examples per class")]
    assert verdicts and max(verdicts) < kinds.index("Tab")   # the verdicts before the first tab


TERMS = ("skip-gram", "cosine", "McNemar", "Wilson", "ULMFiT", "validation", "Transfer A",
         "Transfer B", "MiniLM")


def on_screen(at) -> str:
    """What the room reads: text, captions, notices, tab and expander labels (not tooltips)."""
    parts = [e.value for kind in (at.title, at.markdown, at.caption, at.info) for e in kind]
    parts += [e.label for e in at.tabs] + [e.label for e in at.expander]
    parts += [e.label for e in at.get("segmented_control")] + [e.label for e in at.sidebar.select_slider]
    return " ".join(parts)


def test_every_term_is_in_plain_words_on_screen_and_named_only_in_a_tooltip(page):
    shown = on_screen(page).lower()
    assert "unlabeled reviews" in shown and "labeled reviews" in shown   # the scan reads the page
    for term in TERMS:
        assert term.lower() not in shown, term
    # "epoch": the cards (ui.cards.run_card) still say "for 10 epochs"; this page's own words do not
    assert not [e.value for e in page.caption if "epoch" in e.value and "Training took" not in e.value]
    tooltips = " ".join(e.proto.help for kind in (page.markdown, page.caption) for e in kind)
    for term in ("Skip-gram", "Cosine similarity", "ULMFiT", "epoch", "No validation split", "McNemar"):
        assert term in tooltips, term


def test_offline_without_the_real_reviews_it_says_how_to_get_them_and_keeps_the_generated(page):
    infos = [i.value for i in page.info if "real movie reviews are not on this computer" in i.value]
    assert len(infos) == 1 and "scripts/prefetch.py --write pack.tar.gz" in infos[0]
    assert "TRANSFER_LAB_OFFLINE" in infos[0]
    assert any("**generated**" in m.value for m in page.markdown)
    assert not [s for s in page.get("segmented_control") if s.key == "reviews"]  # nothing to switch to


def test_weights_table_is_a_static_table_whose_formulas_wrap(page):
    # a data grid cut "how the trained weights are counted" off at 1400 px; st.table wraps
    tables = [t.value for t in page.table if "how the trained weights are counted" in t.value.columns]
    assert len(tables) == 1
    weights = tables[0]
    assert list(weights.columns) == ["trained weights", "frozen pretrained weights",
                                     "how the trained weights are counted"]
    assert weights["how the trained weights are counted"].str.contains("=").all()


def test_slider_move_changes_the_numbers(page):
    before = metrics(page)
    page.select_slider(key="n_per_class").set_value(64).run()
    assert not page.exception and page.query_params["n_per_class"] in ("64", ["64"])
    assert metrics(page) != before


def test_typing_a_review_shows_each_ways_prediction(page):
    page.text_input(key="sentence").input("An absolute triumph, truly wonderful.").run()
    tables = [d.value for d in page.dataframe if "prediction" in d.value.columns]
    assert len(tables) == 1
    table = tables[0]
    assert list(table.columns) == ["way", "prediction", "confidence"]
    assert set(table.prediction) <= {"positive", "negative"} and len(table) == 3


def test_results_back_as_numbers_read_a_review_after_a_click_trains_the_draw_here(page):
    """What the workers send back is numbers (in this suite the worker is a thread of this
    process, so its models are here: clearing them is what a server sees)."""
    from lib.text import ways
    ways._live.clear()
    page.run()
    assert not page.exception and [b for b in page.button if b.key == "here_review"]
    assert not [d for d in page.dataframe if "prediction" in d.value.columns]
    page.button(key="here_review").click().run()
    tables = [d.value for d in page.dataframe if "prediction" in d.value.columns]
    assert not page.exception and len(tables) == 1 and len(tables[0]) == 3
    page.run()
    assert not [b for b in page.button if b.key.startswith("here_")]   # both tabs now read the models
    assert len([d.value for d in page.dataframe if "prediction" in d.value.columns][0]) == 3


def test_toy_preset_shows_only_0_50_100_on_two_reviews(page):
    page.button(key="run_toy").click().run()
    assert not page.exception
    toy = page.dataframe[-1].value
    assert "on 2 test reviews" in toy.columns and len(toy) == 3


def spy_on_compare(monkeypatch):
    from ui import cards
    asked = []

    def spy(task, n_per_class, seed, _progress=None, **options):
        asked.append(dict(task=task, n_per_class=n_per_class, seed=seed, **options))
        raise ValueError("stop here")  # run_compare shows it as an error; nothing is trained

    monkeypatch.setattr(cards, "cached_compare", spy)
    from ui import live  # the workers' part: nothing trained either, the page reads back at once
    monkeypatch.setattr(live, "trained", lambda *a, **k: True)
    return asked


def test_the_warmup_prepares_exactly_the_default_view(monkeypatch):
    from ui import warmup
    asked = spy_on_compare(monkeypatch)
    at = AppTest.from_file(PAGE, default_timeout=600).run()
    assert not at.exception
    assert asked == [warmup.sentiment_default()] and asked[0]["task"] == "sentiment"


@pytest.fixture
def real_reviews_here(monkeypatch, tmp_path):
    """The real reviews' tarball in a cache of its own, made of generated snippets (never the
    network): as if the server's background download had brought it."""
    from lib.data import rotten
    from test_rotten_tomatoes import tarball
    monkeypatch.setenv("TRANSFER_LAB_CACHE", str(tmp_path))
    monkeypatch.setattr(rotten, "_task", None)
    rotten.tar_path().write_bytes(tarball())
    yield rotten
    monkeypatch.setattr(rotten, "_task", None)


def test_with_the_real_reviews_here_the_page_leads_with_them_and_credits_them(monkeypatch, real_reviews_here):
    from ui import warmup
    asked = spy_on_compare(monkeypatch)
    at = AppTest.from_file(PAGE, default_timeout=600).run()
    assert not at.exception
    switch = [s for s in at.get("segmented_control") if s.key == "reviews"]
    assert len(switch) == 1 and switch[0].value == "real"
    assert any("Pang and Lillian Lee" in c.value and "ACL 2005" in c.value for c in at.caption)
    assert not [k for k in ("unlabeled",) if any(s.key == k for s in at.select_slider)]
    assert asked[-1] == warmup.sentiment_default() and asked[-1]["task"] == "rotten_tomatoes"
    assert not any("not on this computer" in i.value for i in at.info)
    # the switch: the generated corpus, the article's controlled setting
    switch[0].set_value("generated").run()
    assert asked[-1]["task"] == "sentiment" and asked[-1]["unlabeled"] == 20_000
    assert any("**generated**" in m.value for m in at.markdown)


def test_zero_labels_shows_the_zero_shot_run_alone_and_what_the_others_need(quick_training):
    at = AppTest.from_file(PAGE, default_timeout=600)
    at.query_params["unlabeled"] = "500"
    at.query_params["encoder"] = "0"
    at.query_params["n_per_class"] = "0"
    at.run()
    assert not at.exception and not at.error
    assert at.select_slider(key="n_per_class").value == 0
    assert [m.label for m in at.metric] == ["Test accuracy", "Trained weights"]
    assert at.metric[1].value == "0"
    assert any("“a negative movie review” and “a positive movie review”" in m.value for m in at.markdown)
    needs = [i.value for i in at.info if i.value.startswith("The other ways need labeled examples")]
    assert len(needs) == 1 and "from scratch" in needs[0] and "bag of words" in needs[0]
    table = [d.value for d in at.dataframe if "prediction" in d.value.columns]
    assert len(table) == 1 and len(table[0]) == 1   # the typed review: zero-shot's guess alone
    at.select_slider(key="n_per_class").set_value(1).run()
    assert not at.exception and len(at.metric) == 6


@pytest.mark.slow
def test_with_the_real_encoder_fine_tuning_has_a_card_and_the_encoder_its_depth_profile():
    """Issue 28 on the page: the fine-tuned encoder's card beside the others, the verdicts beyond
    the article's folded, and the depth profile (pretrained against random, Holm-read) on demand."""
    at = AppTest.from_file(PAGE, default_timeout=1800)
    at.query_params["unlabeled"] = "500"
    at.query_params["n_per_class"] = "4"
    at.run()
    assert not at.exception and not at.error
    titles = " ".join(m.value for m in at.markdown)
    assert "Fine-tuned" in titles and "Sentence encoder" in titles
    assert len([m for m in at.metric if m.label == "Test accuracy"]) == 6  # five ways and no labels
    labels = [e.label for e in at.expander]
    assert "Where to cut the sentence encoder" in labels
    assert "The other ways against each other, on this draw" in labels
    at.toggle(key="text_depth").set_value(True).run()
    assert not at.exception and not at.error
    reading = [m.value for m in at.markdown if m.value.startswith("Read on the test texts")]
    assert len(reading) == 1 and "after the last layer, layer6" in reading[0]
    assert "Cross-validation on this draw's labeled reviews alone" in reading[0]


def test_in_presenter_mode_the_offline_notice_is_one_line_and_in_full_under_about(quick_training):
    """Issue 26: at 1280 x 577 the notice (four lines, then one caption line) pushed the cards'
    accuracies off the first screen; in presenter mode it is said in the folded introduction's
    label, and in full inside it."""
    at = AppTest.from_file(PAGE, default_timeout=600)
    for key, value in {"unlabeled": "500", "encoder": "0", "present": "1"}.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception and not at.error
    assert not [c for c in at.caption if "not on this computer" in c.value]
    about = [e for e in at.expander if e.label.startswith("About this page")]
    assert len(about) == 1 and "generated reviews: the real ones are not on this computer" in about[0].label
    assert about and any("real movie reviews are not on this computer" in i.value for i in about[0].info)
