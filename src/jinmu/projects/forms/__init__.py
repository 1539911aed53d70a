"""Forms of the project pages, by page: the project record (`project`), its small per-project
forms (`records`), the battle map and approvals (`plans`), the lists (`lists`), weekly reports,
bulletin and imports (`reports`), and the ledger settings (`settings`). They validate input
field by field; the services write."""
