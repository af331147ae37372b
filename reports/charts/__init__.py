"""Charts of the reports and the dashboard, drawn with matplotlib as CSP-safe SVG through
`schools.charts.make_svg_csp_safe` (the same chart in the page and the PDF)."""
