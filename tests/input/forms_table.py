"""Every page of the project that writes (accepts POST), with who may post to it and the URL
arguments of its own LEA's record in the world (tests/input/world.py). A new POST URL must be
added here: tests/input/test_form_fuzzing.py fails until it is."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Role

A, M, L, P, H, G = (
    Role.ADMIN,
    Role.MANAGER,
    Role.LINK_ADVISER,
    Role.CONSULTANT,
    Role.HEADTEACHER,
    Role.GOVERNOR,
)
#: Anybody, signed in or not (sign-in, password reset).
ANYONE = "anyone"
EVERY_ROLE = frozenset({A, M, L, P, H, G})


@dataclass(frozen=True)
class Form:
    """`roles` may post (the others are refused: 403 or 404, or sent to sign in); `kwargs(w)`
    are the URL's arguments in world `w`; `page` names the page (URL name, kwargs) whose form
    posts here when the URL itself has no GET."""

    roles: frozenset | str
    kwargs: Callable = lambda w: {}
    page: tuple | None = None
    #: Signed-in users who may not post are sent elsewhere (302) rather than refused.
    signed_in_redirect: bool = False
    #: The page may send a user who may post elsewhere (302) when it does not apply to them.
    redirects: bool = False


def _reset(w):
    user = w.own.users[Role.GOVERNOR]
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }


def roles(*items):
    return frozenset(items)


def part(w):
    return {"pk": w.own.participation.pk}


def year(w):
    return {"pk": w.own.year.pk}


def year_pk(w):
    return {"year_pk": w.own.year.pk}


def school(w):
    return {"urn": w.own.school.urn}


def plan_item(name):
    return lambda w: {"pk": w.own.participation.pk, "item": w.own.objects[name].pk}


def pk_of(name):
    return lambda w: {"pk": w.own.objects[name].pk}


def adviser_year(w):
    return {"pk": w.own.pscl.pk, "year_pk": w.own.year.pk}


FORMS = {
    # accounts
    "accounts:login": Form(roles(None), signed_in_redirect=True),
    "accounts:logout": Form(EVERY_ROLE, page=("home", lambda w: {})),
    "accounts:password_reset": Form(ANYONE),
    "accounts:password_change": Form(EVERY_ROLE),
    # The two-factor pages send a user elsewhere when they do not apply (already verified, no
    # app to turn off): the fuzzing posts to them all the same.
    "accounts:two_factor_verify": Form(EVERY_ROLE, redirects=True),
    "accounts:two_factor_setup": Form(EVERY_ROLE, redirects=True),
    "accounts:two_factor_recovery_codes": Form(
        EVERY_ROLE, redirects=True, page=("accounts:two_factor_recovery_codes", lambda w: {})
    ),
    "accounts:two_factor_disable": Form(EVERY_ROLE, redirects=True),
    "privacy:subject_access_download": Form(
        roles(A, M),
        lambda w: {"pk": w.own.users[Role.GOVERNOR].pk},
        page=(
            "privacy:subject_access",
            lambda w: {},
            lambda w: f"?q={w.own.users[Role.GOVERNOR].email}",
        ),
    ),
    # Any signed-in user gets a page (a link for another person is refused on it): anyone.
    "accounts:password_reset_confirm": Form(
        ANYONE, _reset, page=("accounts:password_reset_confirm", _reset)
    ),
    # schools
    "schools:import_upload": Form(roles(A, M), lambda w: {"kind": "ks2"}),
    "schools:import_confirm": Form(
        roles(A, M), pk_of("import"), page=("schools:import_detail", pk_of("import"))
    ),
    # leadership: the programme year and selection
    "leadership:year_create": Form(roles(A, M)),
    "leadership:year_edit": Form(roles(A, M), year),
    "leadership:year_release_reserve": Form(
        roles(A, M), year, page=("leadership:year_detail", year)
    ),
    "leadership:selection": Form(roles(A, M), year),
    "leadership:selection_flag": Form(
        roles(A, M), lambda w: {"pk": w.own.year.pk, "urn": w.own.invited.school.urn}
    ),
    "leadership:participation_move": Form(
        roles(A, M),
        lambda w: {"pk": w.own.invited.pk, "to_status": "ACCEPTED"},
        page=("leadership:participation_detail", pk_of("invited")),
    ),
    "leadership:participation_judgement": Form(roles(A, M), part),
    # leadership: teams, training, school-to-school visits
    "leadership:team_member_add": Form(roles(A, M, H), part),
    "leadership:team_member_edit": Form(roles(A, M, H), pk_of("member")),
    "leadership:team_member_remove": Form(roles(A, M, H), pk_of("member")),
    "leadership:activity_log": Form(roles(A, M, H), pk_of("member")),
    # The form shows once a host school is chosen (a search first).
    "leadership:school_visit_add": Form(
        roles(A, M, H),
        part,
        page=("leadership:school_visit_add", part, lambda w: f"?host={w.own.sibling.urn}"),
    ),
    "leadership:school_visit_edit": Form(roles(A, M, H), pk_of("school_visit")),
    "leadership:school_visit_delete": Form(roles(A, M, H), pk_of("school_visit")),
    "leadership:training_event_add": Form(roles(A, M), year),
    "leadership:training_event_edit": Form(roles(A, M), pk_of("training")),
    "leadership:training_register": Form(roles(A, M), pk_of("training")),
    "leadership:training_register_build": Form(
        roles(A, M), pk_of("training"), page=("leadership:training_register", pk_of("training"))
    ),
    # leadership: the action plan
    # The button that starts a plan shows only while there is none.
    "leadership:plan": Form(roles(A, M, P, H), part, page=("leadership:plan", part)),
    "leadership:plan_summary": Form(roles(A, M, P, H), part),
    "leadership:plan_priority_add": Form(roles(A, M, P, H), part),
    "leadership:plan_priority_change": Form(roles(A, M, P, H), plan_item("priority")),
    "leadership:plan_priority_remove": Form(roles(A, M, P, H), plan_item("priority")),
    "leadership:plan_criterion_add": Form(roles(A, M, P, H), plan_item("priority")),
    "leadership:plan_criterion_change": Form(roles(A, M, P, H), plan_item("criterion")),
    "leadership:plan_criterion_remove": Form(roles(A, M, P, H), plan_item("criterion")),
    "leadership:plan_action_add": Form(roles(A, M, P, H), plan_item("priority")),
    "leadership:plan_action_change": Form(roles(A, M, P, H), plan_item("action")),
    "leadership:plan_action_done": Form(
        roles(A, M, P, H), plan_item("action"), page=("leadership:plan", part)
    ),
    "leadership:plan_action_remove": Form(roles(A, M, P, H), plan_item("action")),
    "leadership:plan_review_add": Form(roles(A, M, P, H), part),
    "leadership:plan_review_change": Form(roles(A, M, P, H), plan_item("review")),
    # leadership: engagement
    "leadership:note_add": Form(roles(A, M, L, P, H), school),
    "leadership:concern_raise": Form(roles(A, M, L, P), school),
    "leadership:watch_add": Form(EVERY_ROLE, school, page=("leadership:timeline", school)),
    "leadership:watch_remove": Form(EVERY_ROLE, school, page=("leadership:timeline", school)),
    "leadership:concern_escalate": Form(roles(A, M, L), pk_of("concern")),
    "leadership:concern_resolve": Form(roles(A, M, L), pk_of("concern")),
    "leadership:good_practice_write": Form(roles(A, M), part),
    # consultants
    "consultants:adviser_add": Form(roles(A, M)),
    "consultants:adviser_edit": Form(roles(A, M), pk_of("pscl")),
    "consultants:capacity_edit": Form(roles(A, M), adviser_year),
    "consultants:training_edit": Form(roles(A, M), adviser_year),
    "consultants:declaration_edit": Form(roles(A, M, P), adviser_year),
    "consultants:school_advisers": Form(roles(A, M), school),
    "consultants:application_add": Form(roles(A, M), year_pk),
    "consultants:application_edit": Form(roles(A, M), pk_of("application")),
    "consultants:application_step": Form(roles(A, M), pk_of("application")),
    "consultants:application_recommend": Form(roles(A, M, L), pk_of("application")),
    "consultants:match_suggestions": Form(roles(A, M), pk_of("unmatched")),
    "consultants:suggest_all": Form(roles(A, M), year_pk),
    "consultants:allocation_days": Form(roles(A, M), pk_of("allocation")),
    "consultants:allocation_end": Form(roles(A, M), pk_of("allocation")),
    "consultants:allocation_request_change": Form(roles(A, H), pk_of("allocation")),
    "consultants:allocation_withdraw_request": Form(roles(A, H), pk_of("allocation")),
    "consultants:allocation_decline": Form(roles(A, H), pk_of("allocation")),
    "consultants:visit_plan": Form(roles(A, P), pk_of("allocation")),
    "consultants:visit_new": Form(roles(A, P), pk_of("allocation")),
    "consultants:visit_log": Form(roles(A, P), pk_of("planned_visit")),
    "consultants:visit_edit": Form(roles(A, P), pk_of("draft_visit")),
    "consultants:visit_cancel": Form(roles(A, P), pk_of("planned_visit")),
    "consultants:pre_visit_note": Form(roles(A, H), pk_of("planned_visit")),
    "consultants:action_done": Form(
        roles(A, P, H), pk_of("agreed_action"), page=("consultants:visit_detail", pk_of("visit"))
    ),
    "consultants:calendar_rotate": Form(roles(P), page=("consultants:calendar", lambda w: {})),
    "consultants:evaluate_support": Form(roles(H), pk_of("allocation")),
    # funding
    "funding:rates_edit": Form(roles(A, M), year_pk),
    "funding:grants_recompute": Form(roles(A, M), year_pk, page=("funding:grant_list", year_pk)),
    "funding:budget_edit": Form(roles(A, M), year_pk),
    # The form shows only when there are PSCL days to pay.
    "funding:pscl_payments": Form(roles(A, M), year_pk, page=("funding:pscl_payments", year_pk)),
    "funding:payments_schedule": Form(roles(A, M), part),
    "funding:payment_paid": Form(roles(A, M), pk_of("payment")),
    "funding:payment_cancel": Form(roles(A, M), pk_of("payment")),
    "funding:return_edit": Form(roles(A, H), part),
    "funding:return_submit": Form(roles(A, H), part, page=("funding:return_detail", part)),
    "funding:return_evidence_add": Form(roles(A, H), part),
    "funding:return_evidence_remove": Form(roles(A, H), pk_of("evidence")),
    "funding:return_decide": Form(roles(A, M), part),
    # reports
    "reports:request_governor": Form(roles(A, M)),
    "reports:request_caseload": Form(roles(A, M, P)),
    "reports:request_statement": Form(roles(A, M)),
    "reports:batch_start": Form(roles(A, M)),
    "reports:evaluation_draft": Form(roles(A, M), year_pk),
    "reports:evaluation_thresholds": Form(roles(A, M), year_pk),
    "reports:notification_preferences": Form(EVERY_ROLE),
}

#: URLs that accept POST but are no form of the project's.
NOT_FORMS = {
    "favicon.ico": "a redirect to the icon (a RedirectView answers every method the same)",
    "health": "the health check (a function view that answers a POST with 405)",
}
