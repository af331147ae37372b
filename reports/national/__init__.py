"""National-scale data for benchmarks: England-sized LEAs, schools and a programme year under way,
written in bulk by `manage.py seed_national` (issue 9).

At `scale=1.0`: 150 LEAs, 17,000 primary schools with five years of KS1 and KS2 results and value
added (2000 to 2004), inspections, last year's (2003-04) participations and this year's (2004-05)
under way as on the demo's day, about 4,500 schools holding a place, about 1,000 PSCLs with their
capacities, training and declarations, link advisers attached to every school, allocations within
each PSCL's capacity, about 20,000 PSCL visits with agreed actions, leadership teams, training
registers, school-to-school visits, school-based activity, action plans, KS2 targets, the
funding rates, grants, budgets, grant instalments, PSCL payments and draft expenditure returns,
and the log-ins: a strategy manager, link advisers and PSCLs in each LEA, a headteacher and a
governor for each school holding a place, and an admin; and three issued reports of the largest
LEA (the bench school's autumn governor progress report, the PSCL caseload report and the funding
statement).

The generator owns LEA codes 400 to 599 (seed_demo uses 991 and 992, the test factories 600 to
799), URNs from 800001 (seed_demo's are 120001 and 130001 up, the factories' from 700000) and
email addresses at `EMAIL_DOMAIN`. Its first LEA, `BIGGEST_LEA_CODE`, is the largest (about 300
schools, about 90 holding a place): the bench log-ins of `BENCH_USERS` belong there and share
`BENCH_PASSWORD`. The staff log-ins have a confirmed authenticator app with the demo's published
key (`accounts.twofactor.demo`), so a person can sign in as any of them too.

Rows go in with COPY and no history or signals (`reports.national.bulk`); the dates follow the
demo's day, 26 November 2004 (run the site with `PLP_TODAY=2004-11-26`).
"""

from accounts.factories import DEMO_PASSWORD

#: The LEA codes the generator may use (three digits; no English LEA has them).
CODE_RANGE = range(400, 600)
#: The largest LEA's code; its name.
BIGGEST_LEA_CODE = "401"
BIGGEST_LEA_NAME = "Westmarch"
#: The first URN; the largest LEA's first school is the bench headteacher's and governor's.
FIRST_URN = 800001
BENCH_SCHOOL_URN = FIRST_URN
#: Every generated log-in's address ends with this.
EMAIL_DOMAIN = "national.example.org"
BENCH_PASSWORD = DEMO_PASSWORD

#: The bench log-ins, by role: all in the largest LEA; the PSCL has a full caseload (as many
#: schools as their capacity) including the bench school, the link adviser is that school's.
BENCH_USERS = {
    "admin": f"admin@{EMAIL_DOMAIN}",
    "manager": f"manager.{BIGGEST_LEA_CODE}@{EMAIL_DOMAIN}",
    "link_adviser": f"adviser1.{BIGGEST_LEA_CODE}@{EMAIL_DOMAIN}",
    "pscl": f"pscl1.{BIGGEST_LEA_CODE}@{EMAIL_DOMAIN}",
    "headteacher": f"head.{BENCH_SCHOOL_URN}@{EMAIL_DOMAIN}",
    "governor": f"governor.{BENCH_SCHOOL_URN}@{EMAIL_DOMAIN}",
}
