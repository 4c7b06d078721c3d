"""低保绩效驾驶舱: the navigation; each page draws the shared sidebar (app_ui.filters) and its own layout."""

import streamlit as st

from app_ui import data, session
from app_ui.i18n import t

st.set_page_config(page_title="低保绩效驾驶舱", page_icon="📊", layout="wide")

# The page scripts live in app_pages/, not pages/: a pages/ folder puts Streamlit in its legacy
# multipage mode for a link's first request, so a shared link such as /recipients?county=…
# opened with a "Page not found" box (measured with Chromium; Streamlit advises the rename).
PAGES = {
    "group_dashboard": [
        ("app_pages/dashboard/overview.py", "page_overview"),
        ("app_pages/dashboard/recipients.py", "page_recipients"),
        ("app_pages/dashboard/standards.py", "page_standards"),
        ("app_pages/dashboard/on_time.py", "page_on_time"),
    ],
    "group_performance": [
        ("app_pages/performance/scores.py", "page_scores"),
        ("app_pages/performance/grades.py", "page_grades"),
        ("app_pages/performance/scoring.py", "page_scoring"),
    ],
    "group_data": [
        ("app_pages/data/upload.py", "page_upload"),
        ("app_pages/data/approval.py", "page_approval"),
        ("app_pages/data/findings.py", "page_findings"),
        ("app_pages/data/followup.py", "page_followup"),
    ],
    "group_admin": [
        ("app_pages/admin/users.py", "page_users"),
        ("app_pages/admin/audit.py", "page_audit"),
        ("app_pages/admin/registry.py", "page_registry"),
    ],
}

# evaluators and admins only
UPLOADING = {"app_pages/data/upload.py", "app_pages/data/approval.py", "app_pages/performance/scoring.py"}
ADMINISTERING = {"group_admin"}  # administrators only; each page also refuses anyone else (filters.page_start)


def navigation(*, everything: bool = False) -> dict[str, list[st.Page]]:
    """The pages this session may open, by group; `everything` for a visitor not yet logged in."""
    return {
        t(group): [
            st.Page(path, title=t(title), default=path.endswith("overview.py"))
            for path, title in pages
            if everything or path not in UPLOADING or session.may_upload()
        ]
        for group, pages in PAGES.items()
        if everything or group not in ADMINISTERING or session.is_admin()
    }


data.catch_up()  # another app process or the command line may have stored something since the last click
if session.actor() is None:
    # Resolve a shared link's page before the login form stops the run: the URL keeps naming
    # it, and the rerun after a successful login opens that page instead of the default one.
    st.navigation(navigation(everything=True), position="hidden")
session.require_login()
if not data.county_names():
    st.title(t("app_title"))
    st.info(t("empty_warehouse"))
    st.stop()
# expanded: with 审核 an admin has 13 pages, and a collapsed menu hides the admin group behind "View 3 more"
st.navigation(navigation(), expanded=True).run()
