"""The app: everything that uses Streamlit, between the page scripts (app_pages/) and the engine
(lib/). URL state (state), shared controls (controls), running and result cards (cards), Altair
charts (charts, palette), the presenter's mode and talking points (presenter), each example's page
sections (images, text, upload) and the background warm-up (warmup)."""
