"""低保绩效驾驶舱: the navigation; each page draws the shared sidebar (app_ui.filters) and its own layout."""

from pathlib import Path

import streamlit as st

from app_ui import data
from app_ui.i18n import t

st.set_page_config(page_title="低保绩效驾驶舱", page_icon="📊", layout="wide")

HERE = Path(__file__).resolve().parent
PAGES = {
    "group_dashboard": [
        ("pages/overview.py", "page_overview"),
        ("pages/recipients.py", "page_recipients"),
        ("pages/standards.py", "page_standards"),
        ("pages/on_time.py", "page_on_time"),
    ],
    "group_performance": [("pages/scores.py", "page_scores"), ("pages/grades.py", "page_grades")],
    "group_data": [("pages/upload.py", "page_upload"), ("pages/findings.py", "page_findings")],
}

if data.counties().is_empty():
    st.title(t("app_title"))
    st.info(t("empty_warehouse"))
    st.stop()

navigation = st.navigation(
    {
        t(group): [
            st.Page(path, title=t(title), default=path.endswith("overview.py"))
            for path, title in pages
            if (HERE / path).exists()  # pages arrive one by one while the dashboard is built
        ]
        for group, pages in PAGES.items()
    }
)
navigation.run()
