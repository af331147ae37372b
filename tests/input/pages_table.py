"""Every page of the project that only shows (GET), with the URL arguments of its own LEA's
record in the world (tests/input/world.py). tests/input/test_stored_script.py renders these and
the form pages of tests/input/forms_table.py; a new page must be added here."""

from .forms_table import pk_of, school, year, year_pk


def part(w):
    return {"pk": w.own.participation.pk}


def none(w):
    return {}


def warning(kind):
    return lambda w: {"kind": kind}


PAGES = {
    "home": none,
    "health": none,
    "accounts:password_reset_done": none,
    "accounts:password_reset_complete": none,
    "accounts:account": none,
    "accounts:password_change_done": none,
    "audit:home": none,
    "audit:changes": none,
    "audit:changes_csv": none,
    "audit:changes_xlsx": none,
    "audit:views": none,
    "audit:views_csv": none,
    "audit:views_xlsx": none,
    "privacy:home": none,
    "privacy:subject_access": none,
    "schools:list": none,
    "schools:list_csv": none,
    "schools:list_xlsx": none,
    "schools:detail": school,
    "schools:import_list": none,
    "schools:import_detail": pk_of("import"),
    "schools:import_progress": pk_of("import"),
    "leadership:year_list": none,
    "leadership:year_detail": year,
    "leadership:year_participations_csv": year,
    "leadership:year_participations_xlsx": year,
    "leadership:participation_detail": part,
    "leadership:participation_letter": part,
    "leadership:participation_letter_pdf": part,
    "leadership:team": part,
    "leadership:school_visits": part,
    "leadership:training_events": year,
    "leadership:missed_sessions": year,
    "leadership:year_plans": year,
    "leadership:timeline": school,
    "leadership:watchlist": none,
    "leadership:concern_list": none,
    "leadership:concern_detail": pk_of("concern"),
    "leadership:concern_letter": pk_of("concern"),
    "leadership:good_practice_list": none,
    "leadership:good_practice_detail": pk_of("good_practice"),
    "consultants:adviser_list": none,
    "consultants:adviser_detail": pk_of("pscl"),
    "consultants:application_list": year_pk,
    "consultants:application_detail": pk_of("application"),
    "consultants:application_letter": pk_of("application"),
    "consultants:matching": year_pk,
    "consultants:allocations_csv": year_pk,
    "consultants:allocations_xlsx": year_pk,
    "consultants:allocation_detail": pk_of("allocation"),
    "consultants:visit_detail": pk_of("visit"),
    "consultants:school_visits": school,
    "consultants:calendar": none,
    "consultants:calendar_feed": lambda w: {"token": w.own.pscl.calendar_token},
    "consultants:pscl_home": none,
    "consultants:caseload": none,
    "consultants:visit_feed": none,
    "consultants:visit_feed_csv": none,
    "consultants:visit_feed_xlsx": none,
    "consultants:pscl_overview": year_pk,
    "consultants:pscl_evaluations": lambda w: {"year_pk": w.own.year.pk, "pk": w.own.pscl.pk},
    "funding:rates": year_pk,
    "funding:grant_list": year_pk,
    "funding:grant_detail": part,
    "funding:grant_letter": part,
    "funding:grant_letter_pdf": part,
    "funding:budget": year_pk,
    "funding:payment_list": year_pk,
    "funding:payment_list_csv": year_pk,
    "funding:payment_list_xlsx": year_pk,
    "funding:statement": year_pk,
    "funding:statement_csv": year_pk,
    "funding:statement_xlsx": year_pk,
    "funding:return_list": year_pk,
    "funding:return_detail": part,
    "funding:return_evidence": pk_of("evidence"),
    "funding:funding_home": none,
    "funding:year_funding": year_pk,
    "funding:value_for_money": year_pk,
    "funding:school_money": school,
    "funding:my_payments": none,
    "reports:run_list": none,
    "reports:run_detail": pk_of("run"),
    "reports:run_status": pk_of("run"),
    "reports:run_pdf": pk_of("run"),
    "reports:batch_list": none,
    "reports:batch_detail": pk_of("batch"),
    "reports:batch_progress": pk_of("batch"),
    "reports:dashboard": none,
    **{
        f"reports:warning_detail:{kind}": warning(kind)
        for kind in (
            "no-pscl-visit",
            "no-action-plan",
            "missed-training",
            "target-lowered",
            "grant-unspent",
            "return-overdue",
        )
    },
    "reports:notification_list": none,
}


def url_name(key: str) -> str:
    """The URL name of a PAGES key (a key may add `:variant` after the name)."""
    parts = key.split(":")
    return ":".join(parts[:2]) if len(parts) > 1 else key
