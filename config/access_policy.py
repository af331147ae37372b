"""The access policy: who may open every URL of the project, in one table of plain data.

Each URL name has a `Rule`: its access class (public, any signed-in user, or some roles), the
scope of the object its URL names for the roles allowed (an object out of scope answers 404, as
docs/decisions/002 says), the HTTP methods it answers, and the kind of object its URL keyword
arguments name. Django admin URLs follow one rule by prefix (`ADMIN_RULE`).

The table documents the project (docs/access-policy.md is generated from it by `as_markdown`)
and drives the tests: tests/access/test_policy_table.py fails when a URL has no rule (or a rule
names no URL), and tests/access/test_matrix.py requests every URL x method x role x object and
compares the answer with what this table says. The views keep their own checks (`visible_to`,
django-rules); this table is the written promise those checks are tested against.

To add a URL: add its rule to `RULES` below, run
`python manage.py shell -c "from config.access_policy import write_markdown; write_markdown()"`
and, if the URL
names a kind of object the test world does not build yet, teach tests/access/world.py to build
one on each side.
"""

from dataclasses import dataclass
from enum import StrEnum

from accounts.models import Role


class Access(StrEnum):
    """Who may open a URL at all."""

    PUBLIC = "public"
    SIGNED_IN = "any signed-in user"
    ROLES = "roles"


class Scope(StrEnum):
    """Which objects an allowed role reaches through the URL; anything else is 404."""

    NONE = "none (a page or list of the user's own scope)"
    LEA = "an object of the user's LEA (a school member's: their school's LEA)"
    SCHOOL = (
        "a school in the user's scope: an LEA's staff its schools, a PSCL the schools "
        "allocated to them, a headteacher or governor their own school"
    )
    VISIT_NOTES = (
        "visit notes: the LEA's managers, the link adviser attached to the school, the PSCL "
        "who wrote them (docs/decisions/006)"
    )
    OWN_ADVISER = "the user's own adviser (PSCL) record; a manager's LEA's advisers"
    OWN_USER = "the signed-in user's own account or records"
    TOKEN = "a secret token in the URL (no sign-in)"  # noqa: S105 - a description


class Refusal(StrEnum):
    """What a signed-in role that is not allowed gets."""

    FORBIDDEN = "403 (404 when the object is outside what the role may see)"
    ROLE_GATE = "403 before anything is loaded, whatever the object"
    NOT_FOUND = "404 (the page does not tell them it exists)"


#: Short names for the roles in the table. An admin is a superuser: every django-rules permission
#: answers yes for them, so the actions of one role (a PSCL's visit log, a headteacher's answer to
#: a match) are also open to admins unless the view checks the role itself.
A, M, L, C, H, G = (
    Role.ADMIN,
    Role.MANAGER,
    Role.LINK_ADVISER,
    Role.CONSULTANT,
    Role.HEADTEACHER,
    Role.GOVERNOR,
)
ALL_ROLES = frozenset(Role)

#: The kinds of object URL keyword arguments name, and what each belongs to ("school": the
#: object hangs off one school; "lea": off one LEA; "adviser": an adviser record; "user": the
#: signed-in user's own; "value": not an object, a value such as a status or a token).
OBJECT_KINDS = {
    "school": ("school", "a school (by URN)"),
    "lea": ("lea", "a local authority"),
    "programme_year": ("lea", "a programme year of one LEA"),
    "participation": ("school", "a school's place in a programme year"),
    "selection_flag": ("lea", "a programme year and a school of its LEA (selection judgement)"),
    "team_member": ("school", "a member of a school's leadership team"),
    "school_visit": ("school", "a school-to-school visit"),
    "training_event": ("lea", "a central training session of a programme year"),
    "plan_priority": ("school", "a priority of a school's action plan"),
    "plan_criterion": ("school", "a success criterion of a school's action plan"),
    "plan_action": ("school", "an action of a school's action plan"),
    "plan_review": ("school", "a review of a school's action plan"),
    "concern": ("school", "a concern about a school"),
    "good_practice": ("school", "a place flagged as good practice"),
    "adviser": ("adviser", "an adviser (PSCL or link adviser) record"),
    "adviser_year": ("adviser", "an adviser and a programme year"),
    "year_adviser": ("lea", "a programme year and one of its LEA's PSCLs"),
    "application": ("lea", "a PSCL application of a programme year"),
    "allocation": ("school", "a PSCL's allocation to a school's place"),
    "visit": ("school", "a PSCL visit (and its notes)"),
    "agreed_action": ("school", "an action agreed at a PSCL visit"),
    "payment": ("school", "a grant instalment or PSCL payment"),
    "evidence": ("school", "evidence attached to an expenditure return"),
    "report_run": ("school", "a report run (governor report about a school)"),
    "report_batch": ("lea", "a batch of report runs of one LEA"),
    "import_record": ("lea", "an import of a data file"),
    "person": ("lea", "a user account (a person of an LEA or of one of its schools)"),
    "import_kind": ("value", "a kind of import file"),
    "warning_kind": ("value", "a kind of early warning"),
    "token": ("value", "a secret token"),
    "reset_token": ("value", "a password-reset link's user id and token"),
}

GET = ("GET",)
POST = ("POST",)
FORM = ("GET", "POST")


@dataclass(frozen=True)
class Rule:
    """The access promised for one URL name.

    `roles` are the roles allowed (for ROLES); `write_roles`, when given, the roles allowed to
    POST (or change through the API) where they differ from those who may read. `methods` are
    the HTTP methods the URL answers (a Django form view also takes PUT as POST; the table names
    POST). `obj` is the kind of object in OBJECT_KINDS its URL names, if any. `refusal` says
    what a role that is not allowed gets; `hidden_from` names refused roles that get 404 instead
    of 403 (the page does not admit to them that it exists).
    """

    access: Access
    roles: frozenset = frozenset()
    scope: Scope = Scope.NONE
    methods: tuple = GET
    obj: str | None = None
    write_roles: frozenset | None = None
    refusal: Refusal = Refusal.FORBIDDEN
    hidden_from: frozenset = frozenset()
    note: str = ""

    def roles_for(self, method: str) -> frozenset:
        """The roles allowed to use `method` (every role for PUBLIC and SIGNED_IN)."""
        if method != "GET" and self.write_roles is not None:
            return self.write_roles
        if self.access != Access.ROLES:
            return ALL_ROLES
        return self.roles


def public(methods=GET, **kwargs) -> Rule:
    return Rule(Access.PUBLIC, methods=methods, **kwargs)


def signed_in(scope=Scope.NONE, methods=GET, obj=None, **kwargs) -> Rule:
    return Rule(Access.SIGNED_IN, scope=scope, methods=methods, obj=obj, **kwargs)


def roles(who, scope=Scope.NONE, methods=GET, obj=None, write=None, **kwargs) -> Rule:
    write_roles = frozenset(write) if write is not None else None
    return Rule(
        Access.ROLES,
        roles=frozenset(who),
        scope=scope,
        methods=methods,
        obj=obj,
        write_roles=write_roles,
        **kwargs,
    )


LEA, SCHOOL = Scope.LEA, Scope.SCHOOL
GATE = Refusal.ROLE_GATE
#: Grants, payments and returns are not shown to link advisers or PSCLs at all (404).
NO_MONEY = {"hidden_from": frozenset({L, C})}
MANAGERS = (A, M)
LEA_STAFF = (A, M, L, C)
OVERSEERS = (A, M, L)
SCHOOL_MONEY = (A, M, H, G)

#: The rule of every Django admin URL: admins only, signed in with two-factor verification;
#: anyone else is sent to the admin's sign-in page.
ADMIN_PREFIX = "admin:"
#: The route prefix of the admin's unnamed patterns (its redirects of old change URLs).
ADMIN_ROUTE_PREFIX = "admin/"
ADMIN_RULE = roles(
    (A,), methods=FORM, note="Django admin: admins only, two-factor verified; others redirected."
)

RULES: dict[str, Rule] = {
    "home": signed_in(note="Each role's home page."),
    "favicon.ico": public(note="A redirect to the icon (the Django admin names none)."),
    "health": public(note='"ok" for a load balancer; the floor of the page benchmark.'),
    # accounts
    "accounts:login": public(methods=FORM),
    "accounts:logout": public(methods=POST),
    "accounts:password_reset": public(methods=FORM),
    "accounts:password_reset_done": public(),
    "accounts:password_reset_confirm": public(methods=FORM, obj="reset_token"),
    "accounts:password_reset_complete": public(),
    "accounts:password_change": signed_in(Scope.OWN_USER, FORM),
    "accounts:password_change_done": signed_in(Scope.OWN_USER),
    "accounts:account": signed_in(Scope.OWN_USER, note="Your account and two-factor state."),
    "accounts:two_factor_verify": signed_in(
        Scope.OWN_USER, FORM, note="The code after the password (a half-signed-in session)."
    ),
    "accounts:two_factor_setup": signed_in(Scope.OWN_USER, FORM),
    "accounts:two_factor_recovery_codes": signed_in(Scope.OWN_USER, FORM),
    "accounts:two_factor_disable": signed_in(
        Scope.OWN_USER,
        FORM,
        note="Only where two-factor is a choice (headteachers, governors); others redirected.",
    ),
    "admin_login_two_factor": roles(
        (A,),
        refusal=GATE,
        note="Stands in for the admin's log-in: anonymous to sign in, non-staff 403.",
    ),
    # schools
    "schools:list": signed_in(note="Only the schools in the user's scope."),
    "schools:list_csv": signed_in(),
    "schools:list_xlsx": signed_in(),
    "schools:detail": signed_in(SCHOOL, obj="school"),
    "schools:import_list": roles(MANAGERS),
    "schools:import_upload": roles(MANAGERS, methods=FORM, obj="import_kind"),
    "schools:import_detail": roles(MANAGERS, LEA, obj="import_record", refusal=GATE),
    "schools:import_progress": roles(MANAGERS, LEA, obj="import_record", refusal=GATE),
    "schools:import_confirm": roles(MANAGERS, LEA, POST, "import_record", refusal=GATE),
    # leadership: programme years, selection and places
    "leadership:year_list": roles(LEA_STAFF),
    "leadership:year_create": roles(MANAGERS, methods=FORM),
    "leadership:year_detail": roles(LEA_STAFF, LEA, obj="programme_year"),
    "leadership:year_participations_csv": roles(LEA_STAFF, LEA, obj="programme_year"),
    "leadership:year_participations_xlsx": roles(LEA_STAFF, LEA, obj="programme_year"),
    "leadership:year_edit": roles(MANAGERS, LEA, FORM, "programme_year"),
    "leadership:year_release_reserve": roles(MANAGERS, LEA, POST, "programme_year"),
    "leadership:selection": roles(MANAGERS, LEA, FORM, "programme_year"),
    "leadership:selection_flag": roles(MANAGERS, LEA, FORM, "selection_flag"),
    "leadership:participation_detail": signed_in(SCHOOL, obj="participation"),
    "leadership:participation_move": roles((A, M, H), SCHOOL, POST, "participation"),
    "leadership:participation_judgement": roles(MANAGERS, SCHOOL, FORM, "participation"),
    "leadership:participation_letter": roles(
        SCHOOL_MONEY, SCHOOL, obj="participation", refusal=Refusal.NOT_FOUND
    ),
    "leadership:participation_letter_pdf": roles(
        SCHOOL_MONEY, SCHOOL, obj="participation", refusal=Refusal.NOT_FOUND
    ),
    # leadership: teams, time, school-to-school visits and training
    "leadership:team": signed_in(SCHOOL, obj="participation"),
    "leadership:team_member_add": roles((A, M, H), SCHOOL, FORM, "participation"),
    "leadership:team_member_edit": roles((A, M, H), SCHOOL, FORM, "team_member"),
    "leadership:team_member_remove": roles((A, M, H), SCHOOL, FORM, "team_member"),
    "leadership:activity_log": roles((A, M, H), SCHOOL, FORM, "team_member"),
    "leadership:school_visits": signed_in(SCHOOL, obj="participation"),
    "leadership:school_visit_add": roles((A, M, H), SCHOOL, FORM, "participation"),
    "leadership:school_visit_edit": roles((A, M, H), SCHOOL, FORM, "school_visit"),
    "leadership:school_visit_delete": roles((A, M, H), SCHOOL, FORM, "school_visit"),
    "leadership:training_events": signed_in(LEA, obj="programme_year"),
    "leadership:training_event_add": roles(MANAGERS, LEA, FORM, "programme_year"),
    "leadership:missed_sessions": signed_in(LEA, obj="programme_year"),
    "leadership:training_event_edit": roles(MANAGERS, LEA, FORM, "training_event"),
    "leadership:training_register": signed_in(
        LEA, FORM, "training_event", write_roles=frozenset(MANAGERS)
    ),
    "leadership:training_register_build": roles(MANAGERS, LEA, POST, "training_event"),
    # leadership: action plans
    "leadership:plan": signed_in(
        SCHOOL, FORM, "participation", write_roles=frozenset({A, M, C, H})
    ),
    "leadership:plan_summary": roles((A, M, C, H), SCHOOL, FORM, "participation"),
    "leadership:plan_priority_add": roles((A, M, C, H), SCHOOL, FORM, "participation"),
    "leadership:plan_priority_change": roles((A, M, C, H), SCHOOL, FORM, "plan_priority"),
    "leadership:plan_priority_remove": roles((A, M, C, H), SCHOOL, FORM, "plan_priority"),
    "leadership:plan_criterion_add": roles((A, M, C, H), SCHOOL, FORM, "plan_priority"),
    "leadership:plan_criterion_change": roles((A, M, C, H), SCHOOL, FORM, "plan_criterion"),
    "leadership:plan_criterion_remove": roles((A, M, C, H), SCHOOL, FORM, "plan_criterion"),
    "leadership:plan_action_add": roles((A, M, C, H), SCHOOL, FORM, "plan_priority"),
    "leadership:plan_action_change": roles((A, M, C, H), SCHOOL, FORM, "plan_action"),
    "leadership:plan_action_done": roles((A, M, C, H), SCHOOL, POST, "plan_action"),
    "leadership:plan_action_remove": roles((A, M, C, H), SCHOOL, FORM, "plan_action"),
    "leadership:plan_review_add": roles((A, M, C, H), SCHOOL, FORM, "participation"),
    "leadership:plan_review_change": roles((A, M, C, H), SCHOOL, FORM, "plan_review"),
    "leadership:year_plans": roles(
        OVERSEERS, LEA, obj="programme_year", hidden_from=frozenset({H, G})
    ),
    # leadership: engagement
    "leadership:timeline": signed_in(SCHOOL, obj="school"),
    "leadership:note_add": roles((A, M, L, C, H), SCHOOL, FORM, "school"),
    "leadership:concern_raise": roles(LEA_STAFF, SCHOOL, FORM, "school"),
    "leadership:watch_add": signed_in(SCHOOL, POST, "school"),
    "leadership:watch_remove": signed_in(SCHOOL, POST, "school"),
    "leadership:watchlist": signed_in(),
    "leadership:concern_list": roles(OVERSEERS),
    "leadership:concern_detail": signed_in(
        SCHOOL, obj="concern", note="A school's people see a concern once its governors are told."
    ),
    "leadership:concern_escalate": roles(OVERSEERS, SCHOOL, FORM, "concern"),
    "leadership:concern_resolve": roles(OVERSEERS, SCHOOL, FORM, "concern"),
    "leadership:concern_letter": signed_in(SCHOOL, obj="concern"),
    "leadership:good_practice_list": signed_in(),
    "leadership:good_practice_detail": signed_in(LEA, obj="good_practice"),
    "leadership:good_practice_write": roles(MANAGERS, SCHOOL, FORM, "participation"),
    # consultants: advisers and recruitment
    "consultants:adviser_list": roles(OVERSEERS),
    "consultants:adviser_add": roles(MANAGERS, methods=FORM),
    "consultants:adviser_detail": signed_in(Scope.OWN_ADVISER, obj="adviser"),
    "consultants:adviser_edit": roles(MANAGERS, Scope.OWN_ADVISER, FORM, "adviser"),
    "consultants:capacity_edit": roles(MANAGERS, Scope.OWN_ADVISER, FORM, "adviser_year"),
    "consultants:training_edit": roles(MANAGERS, Scope.OWN_ADVISER, FORM, "adviser_year"),
    "consultants:declaration_edit": roles((A, M, C), Scope.OWN_ADVISER, FORM, "adviser_year"),
    "consultants:school_advisers": roles(MANAGERS, SCHOOL, FORM, "school"),
    "consultants:application_list": roles(OVERSEERS, LEA, obj="programme_year"),
    "consultants:application_add": roles(MANAGERS, LEA, FORM, "programme_year"),
    "consultants:application_detail": roles(OVERSEERS, LEA, obj="application"),
    "consultants:application_edit": roles(MANAGERS, LEA, FORM, "application"),
    "consultants:application_step": roles(MANAGERS, LEA, FORM, "application"),
    "consultants:application_letter": roles(OVERSEERS, LEA, obj="application"),
    "consultants:application_recommend": roles(OVERSEERS, LEA, FORM, "application"),
    # consultants: matching and allocations
    "consultants:matching": roles(MANAGERS, LEA, obj="programme_year"),
    "consultants:allocations_csv": roles(MANAGERS, LEA, obj="programme_year"),
    "consultants:allocations_xlsx": roles(MANAGERS, LEA, obj="programme_year"),
    "consultants:match_suggestions": roles(MANAGERS, SCHOOL, FORM, "participation"),
    "consultants:suggest_all": roles(MANAGERS, LEA, FORM, "programme_year"),
    "consultants:allocation_detail": signed_in(SCHOOL, obj="allocation"),
    "consultants:allocation_days": roles(MANAGERS, SCHOOL, FORM, "allocation"),
    "consultants:allocation_end": roles(MANAGERS, SCHOOL, FORM, "allocation"),
    "consultants:allocation_request_change": roles((A, H), SCHOOL, FORM, "allocation"),
    "consultants:allocation_withdraw_request": roles((A, H), SCHOOL, FORM, "allocation"),
    "consultants:allocation_decline": roles((A, H), SCHOOL, FORM, "allocation"),
    # consultants: the visit log
    "consultants:visit_plan": roles((A, C), SCHOOL, FORM, "allocation"),
    "consultants:visit_new": roles((A, C), SCHOOL, FORM, "allocation"),
    "consultants:visit_detail": roles((A, M, L, C), Scope.VISIT_NOTES, obj="visit"),
    "consultants:visit_log": roles((A, C), Scope.VISIT_NOTES, FORM, "visit"),
    "consultants:visit_edit": roles((A, C), Scope.VISIT_NOTES, FORM, "visit"),
    "consultants:visit_cancel": roles((A, C), Scope.VISIT_NOTES, FORM, "visit"),
    "consultants:pre_visit_note": roles((A, H), SCHOOL, FORM, "visit"),
    "consultants:action_done": roles((A, C, H), SCHOOL, POST, "agreed_action"),
    "consultants:school_visits": roles((A, M, L, C, H), SCHOOL, obj="school"),
    "consultants:calendar": roles((C,)),
    "consultants:calendar_rotate": roles((C,), methods=POST),
    "consultants:calendar_feed": public(
        scope=Scope.TOKEN, obj="token", note="The PSCL's planned visits, for a calendar app."
    ),
    "consultants:pscl_home": roles((A, M)),
    "consultants:caseload": roles((C,)),
    "consultants:visit_feed": roles(OVERSEERS),
    "consultants:visit_feed_csv": roles(OVERSEERS),
    "consultants:visit_feed_xlsx": roles(OVERSEERS),
    "consultants:pscl_overview": roles(MANAGERS, LEA, obj="programme_year"),
    "consultants:pscl_evaluations": roles(MANAGERS, LEA, obj="year_adviser"),
    "consultants:evaluate_support": roles((H,), SCHOOL, FORM, "allocation"),
    # funding: rates and grants
    "funding:rates": roles(MANAGERS, LEA, obj="programme_year"),
    "funding:rates_edit": roles(MANAGERS, LEA, FORM, "programme_year"),
    "funding:grant_list": roles(MANAGERS, LEA, obj="programme_year"),
    "funding:grants_recompute": roles(MANAGERS, LEA, POST, "programme_year"),
    "funding:grant_detail": roles(SCHOOL_MONEY, SCHOOL, obj="participation", **NO_MONEY),
    "funding:grant_letter": roles(SCHOOL_MONEY, SCHOOL, obj="participation", **NO_MONEY),
    "funding:grant_letter_pdf": roles(SCHOOL_MONEY, SCHOOL, obj="participation", **NO_MONEY),
    # funding: budget, payments and the statement
    "funding:budget": roles(MANAGERS, LEA, obj="programme_year"),
    "funding:budget_edit": roles(MANAGERS, LEA, FORM, "programme_year"),
    "funding:payment_list": roles(MANAGERS, LEA, obj="programme_year"),
    "funding:payment_list_csv": roles(MANAGERS, LEA, obj="programme_year"),
    "funding:payment_list_xlsx": roles(MANAGERS, LEA, obj="programme_year"),
    "funding:pscl_payments": roles(MANAGERS, LEA, FORM, "programme_year"),
    "funding:payments_schedule": roles(MANAGERS, SCHOOL, FORM, "participation"),
    "funding:payment_paid": roles(MANAGERS, SCHOOL, FORM, "payment", **NO_MONEY),
    "funding:payment_cancel": roles(MANAGERS, SCHOOL, FORM, "payment", **NO_MONEY),
    "funding:statement": roles(MANAGERS, LEA, obj="programme_year"),
    "funding:statement_csv": roles(MANAGERS, LEA, obj="programme_year"),
    "funding:statement_xlsx": roles(MANAGERS, LEA, obj="programme_year"),
    # funding: expenditure returns
    "funding:return_list": roles(MANAGERS, LEA, obj="programme_year"),
    "funding:return_detail": roles(SCHOOL_MONEY, SCHOOL, obj="participation", **NO_MONEY),
    "funding:return_edit": roles((A, H), SCHOOL, FORM, "participation", **NO_MONEY),
    "funding:return_submit": roles((A, H), SCHOOL, POST, "participation", **NO_MONEY),
    "funding:return_evidence_add": roles((A, H), SCHOOL, FORM, "participation", **NO_MONEY),
    "funding:return_evidence": roles(SCHOOL_MONEY, SCHOOL, obj="evidence", **NO_MONEY),
    "funding:return_evidence_remove": roles((A, H), SCHOOL, FORM, "evidence", **NO_MONEY),
    "funding:return_decide": roles(MANAGERS, SCHOOL, FORM, "participation", **NO_MONEY),
    # funding: each role's view of the money
    "funding:funding_home": roles(MANAGERS),
    "funding:year_funding": roles(MANAGERS, LEA, obj="programme_year"),
    "funding:value_for_money": roles(MANAGERS, LEA, obj="programme_year"),
    "funding:school_money": roles(SCHOOL_MONEY, SCHOOL, obj="school"),
    "funding:my_payments": roles((C,)),
    # reports
    "reports:run_list": signed_in(),
    "reports:run_detail": signed_in(SCHOOL, obj="report_run"),
    "reports:run_status": signed_in(SCHOOL, obj="report_run"),
    "reports:run_pdf": signed_in(SCHOOL, obj="report_run"),
    "reports:request_governor": roles(MANAGERS, methods=FORM),
    "reports:request_caseload": roles((A, M, C), methods=FORM),
    "reports:request_statement": roles(MANAGERS, methods=FORM),
    "reports:batch_list": roles(MANAGERS),
    "reports:batch_start": roles(MANAGERS, methods=FORM),
    "reports:batch_detail": roles(MANAGERS, LEA, obj="report_batch", refusal=GATE),
    "reports:batch_progress": roles(MANAGERS, LEA, obj="report_batch", refusal=GATE),
    "reports:evaluation_draft": roles(MANAGERS, LEA, FORM, "programme_year"),
    "reports:evaluation_thresholds": roles(MANAGERS, LEA, FORM, "programme_year"),
    "reports:dashboard": roles(OVERSEERS),
    "reports:warning_detail": roles(OVERSEERS, obj="warning_kind"),
    "reports:notification_list": signed_in(Scope.OWN_USER),
    "reports:notification_preferences": signed_in(Scope.OWN_USER, methods=FORM),
    # audit: who changed and who viewed what
    "audit:home": roles(MANAGERS, refusal=GATE),
    "audit:changes": roles(MANAGERS, refusal=GATE),
    "audit:changes_csv": roles(MANAGERS, refusal=GATE),
    "audit:changes_xlsx": roles(MANAGERS, refusal=GATE),
    "audit:views": roles(MANAGERS, refusal=GATE),
    "audit:views_csv": roles(MANAGERS, refusal=GATE),
    "audit:views_xlsx": roles(MANAGERS, refusal=GATE),
    # privacy: data protection and subject access
    "privacy:home": roles(MANAGERS, refusal=GATE),
    "privacy:subject_access": roles(MANAGERS, refusal=GATE),
    "privacy:subject_access_download": roles(
        MANAGERS, LEA, POST, "person", refusal=GATE, note="A ZIP of one person's data."
    ),
    # the REST API (JSON; an anonymous caller gets 401 or 403, never a redirect)
    "api:lea-list": signed_in(),
    "api:lea-detail": signed_in(LEA, obj="lea"),
    "api:school-list": signed_in(),
    "api:school-detail": signed_in(SCHOOL, obj="school"),
    "api:programme-year-list": signed_in(),
    "api:programme-year-detail": signed_in(LEA, obj="programme_year"),
    "api:participation-list": signed_in(),
    "api:participation-detail": signed_in(SCHOOL, obj="participation"),
    "api:allocation-list": signed_in(),
    "api:allocation-detail": signed_in(SCHOOL, obj="allocation"),
    "api:visit-list": signed_in(
        methods=FORM,
        write_roles=frozenset({A, C}),
        note="A POST names its allocation in the body: 404 out of scope, 403 if not its PSCL.",
    ),
    "api:visit-detail": roles(
        (A, M, L, C), Scope.VISIT_NOTES, ("GET", "PATCH", "PUT"), "visit", write=(A, C)
    ),
    "api:plan-review-list": signed_in(
        methods=FORM,
        write_roles=frozenset({A, M, C, H}),
        note="A POST names its action plan in the body: 404 out of scope, 403 if not an editor.",
    ),
    "api:plan-review-detail": signed_in(
        SCHOOL, ("GET", "PATCH", "PUT"), "plan_review", write_roles=frozenset({A, M, C, H})
    ),
    "api:report-run-list": signed_in(),
    "api:report-run-detail": signed_in(SCHOOL, obj="report_run"),
    "api:schema": public(note="The OpenAPI schema: documentation, no records."),
    "api:docs": public(note="Swagger UI of the schema."),
    "api:redoc": public(note="ReDoc of the schema."),
}


def rule_for(name: str) -> Rule | None:
    """The rule of URL name `name` (namespaced, e.g. "schools:detail"), or None if unclassified."""
    if name.startswith((ADMIN_PREFIX, ADMIN_ROUTE_PREFIX)):
        return ADMIN_RULE
    return RULES.get(name)


def _roles_text(rule: Rule) -> str:
    if rule.access != Access.ROLES:
        return rule.access.value
    text = ", ".join(role.label for role in Role if role in rule.roles)
    if rule.write_roles is not None:
        text += "; to change: " + ", ".join(r.label for r in Role if r in rule.write_roles)
    return text


def as_markdown() -> str:
    """docs/access-policy.md: the table as a page people read."""
    lines = [
        "# Access policy",
        "",
        "Generated from `config/access_policy.py` by `as_markdown()`; do not edit by hand",
        "(tests/access/test_policy_table.py checks that this file matches the table).",
        "",
        "Anonymous visitors are sent to sign in (the API answers 401 or 403). A signed-in role",
        "that is not allowed gets 403, or 404 when the object is outside what it may see; an",
        "allowed role gets 404 for an object outside its scope (docs/decisions/002).",
        '"403 first": the page refuses the role before loading anything, so even another',
        "LEA's object answers 403. Admins are superusers: every django-rules permission holds",
        "for them, so one role's actions (a PSCL's visit log) are theirs too unless the view",
        "checks the role itself. Tested by tests/access/test_matrix.py (docs/decisions/015).",
        "",
        f"Django admin (`{ADMIN_PREFIX}*`): {ADMIN_RULE.note}",
        "",
        "## Scopes",
        "",
        *[f"- **{scope.name}**: {scope.value}" for scope in Scope],
        "",
        "## Object kinds",
        "",
        "| kind | belongs to | what |",
        "|---|---|---|",
        *[f"| {kind} | {owner} | {what} |" for kind, (owner, what) in OBJECT_KINDS.items()],
        "",
        "## URLs",
        "",
        "| URL name | methods | who | scope | object | refused | note |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, rule in RULES.items():
        refused = {Refusal.NOT_FOUND: "404", Refusal.ROLE_GATE: "403 first"}.get(
            rule.refusal, "403"
        )
        if rule.hidden_from:
            hidden = ", ".join(role.label for role in Role if role in rule.hidden_from)
            refused += f"; 404 for {hidden}"
        if rule.access != Access.ROLES:
            refused = ""
        lines.append(
            f"| `{name}` | {', '.join(rule.methods)} | {_roles_text(rule)} | {rule.scope.name} "
            f"| {rule.obj or ''} | {refused} | {rule.note} |"
        )
    return "\n".join(lines) + "\n"


def markdown_path():
    from django.conf import settings

    return settings.BASE_DIR / "docs" / "access-policy.md"


def write_markdown() -> None:
    """Write docs/access-policy.md from the table."""
    markdown_path().write_text(as_markdown(), encoding="utf-8")


__all__ = [
    "ADMIN_RULE",
    "OBJECT_KINDS",
    "RULES",
    "Access",
    "Refusal",
    "Rule",
    "Scope",
    "as_markdown",
    "rule_for",
    "write_markdown",
]
