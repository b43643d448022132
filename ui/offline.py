"""The notice a page shows when data it needs is not on this computer and cannot be downloaded:
what is missing, how to get it with a network, how to bring it in a pack, and what to do instead,
in plain words; what the download said only in a detail (a room cannot read `<urlopen error>`).
"""
from typing import NamedTuple

import streamlit as st


class Instead(NamedTuple):
    """A page to go on with, and one line on what it offers."""
    path: str
    label: str
    icon: str
    url: str
    words: str


DRESS = Instead("app_pages/dress_colour.py", "The dress", ":material/checkroom:", "/dress_colour",
                "shows the same ways on photos this computer makes itself")
YOUR_DATA = Instead("app_pages/your_data.py", "Your own data", ":material/folder_open:", "/your_data",
                    "takes your own photos: a zip of folders, one per class, or snapshots from a camera")
# The pack's two commands as typed (scripts/prefetch.py's --write and --read; tests/test_photos.py
# checks them against its parser)
WRITE = "python scripts/prefetch.py --write pack.tar.gz"
READ = "python scripts/prefetch.py --read pack.tar.gz"


def link(page: Instead) -> None:
    try:  # keeps this session (and what it holds) when the app's navigation knows the page
        st.page_link(page.path, label=page.label, icon=page.icon)
    except st.errors.StreamlitAPIException:  # a page run on its own (tests): a plain link
        st.markdown(f"[{page.label}]({page.url})")


def offline_notice(what: str, err, size_mb: float | None = None, instead=(YOUR_DATA,),
                   plural: bool = True) -> None:
    """Say that `what` (plain words: "the ants-and-bees photos") is not on this computer and could
    not be downloaded, then how to get it with a network, how to bring it in a pack, and the pages
    in `instead` to go on with; `err` (what the download said) only inside an expander."""
    are = "are" if plural else "is"
    st.warning(f"{what[0].upper()}{what[1:]} {are} not on this computer, and could not be "
               f"downloaded here (no network, or the download was refused).", icon=":material/cloud_off:")
    size = f" ({size_mb:,} MB)" if size_mb else ""
    st.markdown(f"**With a network:** connect this computer and reload this page. The download"
                f"{size} happens once and is kept.")
    st.markdown("**Without one, bring a pack.** On a computer with a network and the same version "
                "of this app, in the app's folder, write one file with everything the pages need:")
    st.code(WRITE, language="bash")
    st.markdown("Copy `pack.tar.gz` into this app's folder here, unpack it with this line, then "
                "reload this page:")
    st.code(READ, language="bash")
    if instead:
        st.markdown("**Or, instead:** " + "; ".join(f"*{p.label}* {p.words}" for p in instead) + ".")
        for col, page in zip(st.columns(len(instead)), instead):
            with col:
                link(page)
    with st.expander("What the download said"):
        st.code(str(err), language=None, wrap_lines=True)
