"""Forms of the target pages: they check input field by field; `jinmu.targets.services` writes.

- `target.TargetForm` creates or edits a target (edits carry the version they were opened on).
- `parts.PartForm` / `parts.PartFormSet` are the rows of a decomposition.
- `report.ReportValueForm` is a department's monthly value of a reported indicator.
- `extract` holds the forms of targets from a policy text, `settings` the county's thresholds.

Every choice is limited to the user's region, so an out-of-scope value is an invalid choice.
"""
