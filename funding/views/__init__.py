"""Views of the funding app, one module per area: grants (rates, grants, offer letters), payments
(budget, payments, statement and exports), returns (expenditure returns), pages (value for money,
the school's and the PSCL's money)."""
