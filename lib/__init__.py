"""Transfer Lab's engine: plain Python + torch, importable without Streamlit.

Start at `lib.experiments.compare` and `lib.experiments.sweep`; everything else is what they call.
"""
