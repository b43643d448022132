"""Home: why deep learning needs data, and the two ways of learning the app compares."""
import streamlit as st

from lib.counts import total_weights
from lib.heads import head_formula, head_weights
from ui import presenter
from ui.palette import COLOURS


DOT = "### <span style='color:{}'>●</span>"  # each way's colour on every chart

st.title(":material/rocket_launch: Transfer Lab")
st.markdown(
    "#### Why does transfer learning work when you only have a few labeled examples?\n"
    "Andrew Ng's analogy: a deep model is a rocket **engine** and data is its **fuel**. A huge "
    "engine with a little fuel never reaches orbit; a tiny engine with a lot of fuel never lifts "
    "off. The number of weights a model must learn sets how much labeled data it needs.")

resnet50 = total_weights("resnet50")  # torchvision's ResNet-50, built without weights
presenter.say("home", backbone_params=resnet50, head_params=head_weights(2048, 2))
left, right = st.columns(2)
with left:
    st.markdown(DOT.format(COLOURS["scratch"]) + " From scratch", unsafe_allow_html=True)
    st.markdown("Every weight starts random and must be learned from **your few labeled "
                f"examples**. A ResNet-50 has **{resnet50:,}** of them (counted from the real "
                "torchvision model on this machine).")
with right:
    st.markdown(DOT.format(COLOURS["transfer"]) + " Transfer", unsafe_allow_html=True)
    st.markdown("Borrow an engine already fuelled: a network **pretrained** on a large, different "
                "task (ImageNet's 1.28 million labeled photos) is **frozen**, and only a small head "
                f"is trained on its features. For 2,048 features and 2 classes: "
                f"**{head_formula(2048, 2)}** weights to learn, "
                f"{resnet50 / head_weights(2048, 2):,.0f}× fewer.")

st.markdown(
    "The early and middle layers of a network trained on millions of photos respond to edges, "
    "textures and shapes that are useful for almost any picture; only the last decisions are "
    "specific to the original task. Whether the borrowed features fit **your** task is exactly what "
    "the pages below measure, live, side by side, with no number typed in by hand.")

st.divider()
st.markdown("### Where to go")
cols = st.columns(3)
links = [
    ("app_pages/dress_colour.py", "The dress", "checkroom", "Blue/black or white/gold? Both ways on the same photos."),
    ("app_pages/sentiment.py", "Movie reviews", "movie", "Word vectors pretrained on unlabeled reviews."),
    ("app_pages/learning_curves.py", "Learning curves", "show_chart", "Accuracy as labeled data grows, over seeds."),
    ("app_pages/overfitting.py", "Overfitting", "psychology", "Memorising instead of learning, epoch by epoch."),
    ("app_pages/parameters.py", "Parameters", "calculate", "How many weights each way has to learn."),
    ("app_pages/your_data.py", "Your own data", "folder_open", "Bring photos or texts and compare the ways."),
]
for i, (path, title, icon, blurb) in enumerate(links):
    with cols[i % 3]:
        st.page_link(path, label=title, icon=f":material/{icon}:")
        st.caption(blurb)
