"""整改台账: every flag of the view (anomalies, roster findings, re-check differences) with who follows it up, by
when and what they found; leadership reads it, the county's evaluators and admins set it."""

from app_ui import after_change, followup
from app_ui.filters import page_start

filters = page_start("page_followup")
after_change.show_notice()
register = followup.register_of(filters)
if register.is_empty():
    followup.nothing_flagged(filters)
else:
    followup.counts(register)
    followup.basis_line(register)
    followup.overdue_warning(register)
    shown = followup.chosen(register)
    clicked = followup.table(shown, filters=filters)
    followup.editing(shown, clicked=clicked, names=filters.names)
