"""The only Streamlit-touching helpers: cached engine and reads."""
