"""总览: the month at a glance for leadership — headline figures, 需关注, the counties side by side — and the
monthly brief of the same view to download."""

import streamlit as st

from app_ui import cockpit
from app_ui.filters import page_start
from app_ui.i18n import t, tr

filters = page_start("page_overview", needs_year=False, title=f"{t('app_title')} · {t('page_overview')}")
picker, buttons = st.columns([1, 2], vertical_alignment="bottom")
with picker:
    month = cockpit.month_picker(filters)
if month is None:
    st.info(
        tr(
            "所选县区还没有已审核的名册（待审核的可在左侧打开「含待审核数据」查看）。",
            "No approved roster yet for these counties.",
        )
    )
    st.stop()
brief = cockpit.brief_of(filters, month)
with buttons:
    cockpit.downloads(brief)
cockpit.notes(brief)
cockpit.headline(brief)
cockpit.attention(brief)
cockpit.county_table(brief)
