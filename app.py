"""低保绩效驾驶舱: navigation and the shared page setup; pages hold the layout."""

import streamlit as st

st.set_page_config(page_title="低保绩效驾驶舱", page_icon="📊", layout="wide")

navigation = st.navigation({"驾驶舱": [st.Page("pages/overview.py", title="总览", default=True)]})
navigation.run()
