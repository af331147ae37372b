"""Writes of the funding app, one module per area: grants (rates and the grant rule), budgets,
payments, returns."""
