"""Services of the consultants app, one module per area: advisers (profiles, capacity, training,
attachments), recruitment (applications, conflicts), allocations (matching), visits (the visit log),
pages (caseload, feeds, overview, evaluations)."""
