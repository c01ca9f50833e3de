"""The units' side of the loop: return forms out, the reminder list (催报清单) in.

``model`` reads what goes into each unit's form from the published marts, ``workbook`` writes
one form, ``summary`` the office's one-page list of the forms handed out, ``build`` a period's
folder ``marts/forms/<division>/<period>/`` whole; ``reminders`` lists the units whose return
is missing, late or refused, ``reminder_xlsx`` writes that list; ``assets`` and ``schedules``
put both in Dagster; ``cli`` is ``python -m pipelines forms`` / ``reminders``.
"""
