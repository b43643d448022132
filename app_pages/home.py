"""Home: why deep learning needs data, the ways of learning the app compares drawn on the real
network, and a link to every page."""
import streamlit as st

from lib import head_weights, stage_weights, total_weights, trained_by_way
from ui import network, presenter

st.title(":material/rocket_launch: Transfer Lab")
st.markdown(
    "#### Why does transfer learning work when you only have a few labeled examples?\n"
    "Andrew Ng's analogy: a deep model is a rocket **engine** and data is its **fuel**. A huge "
    "engine with a little fuel never reaches orbit; a tiny engine with a lot of fuel never lifts "
    "off. The number of weights a model must learn sets how much labeled data it needs.")

CLASSES = 2
resnet50 = total_weights("resnet50")  # torchvision's ResNet-50, built without weights
counts = stage_weights(CLASSES)       # EfficientNet-Lite0's stages, counted once, kept on disk
learns = trained_by_way(counts, CLASSES)
frozen = sum(s["weights"] for s in counts["stages"])
# the talking point counts the network the picture draws (not ResNet-50: the room reads both)
presenter.say("home", backbone_params=frozen, head_params=learns["transfer"], network=network.LABEL)

st.markdown("#### Four ways to learn from a few labeled photos")
st.markdown(network.picture(counts, CLASSES), unsafe_allow_html=True)
st.caption(
    f"Each block is a stage of {network.LABEL}, the network the photo pages borrow, with the "
    f"number of weights it holds, counted from the real network. Filled blocks learn from your "
    f"labeled photos; the ones marked frozen stay as they were after training on 1.28 million other "
    f"photos. "
    f"The frozen head learns {learns['transfer']:,} weights and borrows {frozen:,} more. "
    f"On the photo pages the head may read an earlier stage, chosen from the labeled photos.",
    help="Hover a block for its technical name. The frozen head is a linear layer of (D + 1) × C "
         f"weights on the D features the network gives it; fine-tuning also trains the network's "
         f"top {len(counts['finetuned'])} blocks ({', '.join(counts['finetuned'])}); the simplest "
         f"model is the same head on the photo's own pixels.")
st.markdown(
    f"A bigger network changes the numbers, not the idea: ResNet-50 has **{resnet50:,}** weights "
    f"(counted from the real model on this machine), and a head on its 2,048 features learns "
    f"{head_weights(2048, CLASSES):,} of them, {resnet50 / head_weights(2048, CLASSES):,.0f}× "
    "fewer. The early and middle stages of a network trained on millions of photos respond to "
    "edges, textures and shapes that are useful for almost any picture; only the last decisions "
    "are specific to the original task. Whether the borrowed stages fit **your** task is what the "
    "pages below measure, live, side by side, with no number typed in by hand.")

st.divider()
st.markdown("#### Where to go")
# (file, title, icon, what it shows): every page of app.py's navigation but this one, in its
# order (tests/test_page_home.py checks that none is missing and that titles and icons agree)
LINKS = [
    ("app_pages/ants_bees.py", "Ants and bees", "pest_control",
     "Real photos from the web, of insects the borrowed network has seen before: four ways side by side."),
    ("app_pages/dress_colour.py", "The dress", "checkroom",
     "Blue and black, or white and gold? The same four ways, and how far the simplest one goes."),
    ("app_pages/sentiment.py", "Movie reviews", "movie",
     "Real review snippets: from scratch, word counts, two borrowed ways, and one with no labels at all."),
    ("app_pages/learning_curves.py", "Learning curves", "show_chart",
     "Accuracy as the labeled examples grow, each way repeated over several random draws."),
    ("app_pages/overfitting.py", "Overfitting", "psychology",
     "Learning the training photos by heart instead of the task, round by round."),
    ("app_pages/parameters.py", "Parameters", "calculate",
     "How many weights each way must learn, counted from real networks."),
    ("app_pages/your_data.py", "Your own data", "folder_open",
     "Your photos or texts, the same ways side by side; take the trained head with you."),
]
PER_ROW = 3 if presenter.is_on() else 4  # presenter mode's larger type needs the width
for start in range(0, len(LINKS), PER_ROW):
    cols = st.columns(PER_ROW)  # a row of its own: the cards of a row line up
    for col, (path, title, icon, blurb) in zip(cols, LINKS[start:start + PER_ROW]):
        with col.container(border=True, height="stretch"):  # as tall as the row's tallest card
            st.page_link(path, label=title, icon=f":material/{icon}:")
            st.caption(blurb)
