"""Reads for the home page, the dashboard and the reports, shared by views and report builders.

One module per page or report: `home` (each role's home page), `governor`, `evaluation`,
`caseload` and `statement` (the report kinds), `dashboard` (the strategy manager's early
warnings) and `runs` (the lists of report runs).
"""
