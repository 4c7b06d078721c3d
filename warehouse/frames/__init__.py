"""Page-shaped frames: the read API's results labelled, joined and reshaped for one page each.

No SQL here (these take frames, not an engine) and no Streamlit, so the CLI and the tests use them too.
"""
