"""The expenditure return pages through the test client: who may do what, the upload checks,
the workflow of submit, query and approve, and the manager's list."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from conftest import make_user
from funding.factories import (
    CoverClaimFactory,
    ExpenditureReturnFactory,
    OtherSpendingFactory,
    ReturnEvidenceFactory,
)
from funding.forms.returns import EvidenceForm
from funding.models import (
    EVIDENCE_MAX_BYTES,
    CoverClaim,
    ExpenditureReturn,
    OtherSpending,
    ReturnEvidence,
    ReturnStatus,
    SpendingCategory,
)
from funding.services.grants import grant_compute
from leadership.factories import (
    LeadershipTeamMemberFactory,
    ParticipationFactory,
    ProgrammeYearFactory,
)
from leadership.models import MemberRole

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
#: The list's queries whatever the number of schools: session, user, year, participations and
#: the summaries' seven.
LIST_QUERY_BOUND = 12


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def year(lea):
    return ProgrammeYearFactory(local_authority=lea)


@pytest.fixture
def participation(year, school):
    participation = ParticipationFactory(programme_year=year, school=school)
    grant_compute(participation=participation)
    return participation


@pytest.fixture
def head(participation):
    return LeadershipTeamMemberFactory(
        participation=participation, full_name="Sarah Hughes", role=MemberRole.HEADTEACHER
    )


@pytest.fixture
def deputy(participation):
    return LeadershipTeamMemberFactory(
        participation=participation, full_name="Tom Price", role=MemberRole.DEPUTY
    )


@pytest.fixture
def draft(participation, head):
    expenditure_return = ExpenditureReturnFactory(participation=participation)
    CoverClaimFactory(expenditure_return=expenditure_return, member=head, days=Decimal("5.0"))
    return expenditure_return


def url(name, obj):
    return reverse(f"funding:{name}", args=[obj.pk])


def text(response):
    return response.content.decode()


def edit_data(head, deputy, *, travel="84.50", lines=()):
    data = {
        f"cover_{head.pk}": "5",
        f"cover_{deputy.pk}": "4.5",
        "travel_spent": travel,
        "spending-TOTAL_FORMS": str(len(lines)),
        "spending-INITIAL_FORMS": "0",
        "spending-MIN_NUM_FORMS": "0",
        "spending-MAX_NUM_FORMS": "50",
    }
    for index, (category, description, amount) in enumerate(lines):
        data[f"spending-{index}-category"] = category
        data[f"spending-{index}-description"] = description
        data[f"spending-{index}-amount"] = amount
    return data


# Who may open what -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ADMIN, 200),
        (Role.MANAGER, 200),
        (Role.HEADTEACHER, 200),
        (Role.GOVERNOR, 200),
        (Role.CONSULTANT, 404),
        (Role.LINK_ADVISER, 404),
    ],
)
def test_the_return_is_read_by_the_school_and_the_manager_only(
    role, status, users, draft, client_for
):
    response = client_for(users[role]).get(url("return_detail", draft.participation))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.HEADTEACHER, 200),
        (Role.GOVERNOR, 403),
        (Role.MANAGER, 403),
        (Role.CONSULTANT, 404),
        (Role.LINK_ADVISER, 404),
    ],
)
def test_only_the_schools_headteacher_may_write_the_return(role, status, users, draft, client_for):
    response = client_for(users[role]).get(url("return_edit", draft.participation))
    assert response.status_code == status


@pytest.mark.parametrize("role", [Role.HEADTEACHER, Role.GOVERNOR, Role.MANAGER])
def test_another_school_or_lea_sees_nothing(role, draft, foreign_users, client_for, lea):
    client = client_for(foreign_users[role])
    for name in ("return_detail", "return_edit", "return_decide", "return_evidence_add"):
        assert client.get(url(name, draft.participation)).status_code == 404


def test_the_headteacher_of_a_sibling_school_gets_404(sibling_school, draft, client_for):
    other_head = make_user(Role.HEADTEACHER, school=sibling_school)
    client = client_for(other_head)
    assert client.get(url("return_detail", draft.participation)).status_code == 404
    assert client.post(url("return_submit", draft.participation)).status_code == 404
    draft.refresh_from_db()
    assert draft.status == ReturnStatus.DRAFT


# Writing the return ---------------------------------------------------------------------------


def test_the_headteacher_saves_cover_travel_and_spending(
    users, participation, head, deputy, client_for
):
    client = client_for(users[Role.HEADTEACHER])
    form = client.get(url("return_edit", participation))
    assert 'for="id_cover_' in text(form)
    response = client.post(
        url("return_edit", participation),
        edit_data(
            head,
            deputy,
            lines=[(SpendingCategory.MATERIALS, "Guided reading books", "45.00")],
        ),
    )
    assert response.status_code == 302
    saved = ExpenditureReturn.objects.get(participation=participation)
    assert saved.travel_spent == Decimal("84.50")
    assert {c.member_id: c.days for c in saved.cover_claims.all()} == {
        head.pk: Decimal("5.0"),
        deputy.pk: Decimal("4.5"),
    }
    assert saved.other_spending.get().amount == Decimal("45.00")


def test_a_bad_row_saves_nothing_and_says_why_next_to_the_field(
    users, participation, head, deputy, client_for
):
    client = client_for(users[Role.HEADTEACHER])
    response = client.post(
        url("return_edit", participation),
        edit_data(
            head,
            deputy,
            lines=[
                (SpendingCategory.MATERIALS, "Books", "45.00"),
                (SpendingCategory.TRAINING, "Course", "12.345"),
            ],
        ),
    )
    assert response.status_code == 200
    page = text(response)
    assert 'id="id_spending-1-amount_1_error"' in page
    assert "Enter the amount spent in pounds and pence" in page
    assert not ExpenditureReturn.objects.exists()
    assert not OtherSpending.objects.exists()


def test_a_bad_cover_figure_saves_nothing(users, draft, head, deputy, client_for):
    data = edit_data(head, deputy, travel="1.00")
    data[f"cover_{deputy.pk}"] = "1.25"
    response = client_for(users[Role.HEADTEACHER]).post(
        url("return_edit", draft.participation), data
    )
    assert response.status_code == 200
    assert f'id="id_cover_{deputy.pk}_1_error"' in text(response)
    draft.refresh_from_db()
    assert draft.travel_spent == Decimal("84.50")
    assert list(CoverClaim.objects.values_list("member_id", flat=True)) == [head.pk]


def test_adding_a_line_keeps_what_was_typed_and_saves_nothing(
    users, participation, head, deputy, client_for
):
    data = edit_data(head, deputy, lines=[(SpendingCategory.MATERIALS, "Books", "45.00")])
    data["add_line"] = "1"
    response = client_for(users[Role.HEADTEACHER]).post(url("return_edit", participation), data)
    page = text(response)
    assert response.status_code == 200
    assert 'value="Books"' in page
    assert 'name="spending-1-description"' in page
    assert "There is a problem" not in page
    assert not ExpenditureReturn.objects.exists()


def test_a_line_ticked_for_removal_is_removed(users, draft, head, deputy, client_for):
    OtherSpendingFactory(expenditure_return=draft, description="Old line")
    data = edit_data(
        head,
        deputy,
        lines=[
            (SpendingCategory.MATERIALS, "Old line", "45.00"),
            (SpendingCategory.TRAINING, "Kept", "10.00"),
        ],
    )
    data["spending-0-DELETE"] = "on"
    client_for(users[Role.HEADTEACHER]).post(url("return_edit", draft.participation), data)
    assert list(OtherSpending.objects.values_list("description", flat=True)) == ["Kept"]


def test_a_submitted_return_cannot_be_changed(users, draft, head, deputy, client_for):
    draft.status = ReturnStatus.SUBMITTED
    draft.submitted_at = datetime.datetime(2005, 7, 1, tzinfo=datetime.UTC)
    draft.save()
    client = client_for(users[Role.HEADTEACHER])
    assert client.get(url("return_edit", draft.participation)).status_code == 403
    assert (
        client.post(url("return_edit", draft.participation), edit_data(head, deputy)).status_code
        == 403
    )
    draft.refresh_from_db()
    assert draft.travel_spent == Decimal("84.50")


# Evidence -------------------------------------------------------------------------------------


def test_a_pdf_is_uploaded_under_our_name_and_downloaded_as_an_attachment(users, draft, client_for):
    client = client_for(users[Role.HEADTEACHER])
    upload = SimpleUploadedFile("October invoice.pdf", PDF, content_type="application/pdf")
    response = client.post(
        url("return_evidence_add", draft.participation),
        {"file": upload, "description": "Supply agency"},
    )
    assert response.status_code == 302
    evidence = ReturnEvidence.objects.get()
    assert evidence.original_name == "October invoice.pdf"
    assert evidence.file.name == f"returns/{draft.pk}/evidence-{evidence.token}.pdf"
    download = client.get(url("return_evidence", evidence))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "October invoice.pdf" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF


def test_a_png_is_served_as_an_image(users, draft, client_for):
    client = client_for(users[Role.HEADTEACHER])
    upload = SimpleUploadedFile("receipt.png", PNG, content_type="image/png")
    client.post(url("return_evidence_add", draft.participation), {"file": upload})
    download = client.get(url("return_evidence", ReturnEvidence.objects.get()))
    assert download["Content-Type"] == "image/png"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        # A program dressed as a PDF, and a PDF named as something else.
        ("invoice.pdf", b"MZ\x90\x00 not a pdf", "The file must be a PDF, PNG or JPEG"),
        ("invoice.exe", PDF, "The file must be a PDF, PNG or JPEG"),
        ("invoice.pdf", PDF + b"x" * EVIDENCE_MAX_BYTES, "The file must be smaller than 5 MB"),
    ],
)
def test_a_bad_upload_is_refused_next_to_the_field_and_nothing_is_saved(
    name, content, message, users, draft, client_for, settings
):
    client = client_for(users[Role.HEADTEACHER])
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client.post(url("return_evidence_add", draft.participation), {"file": upload})
    assert response.status_code == 200
    page = text(response)
    assert 'id="id_file_1_error"' in page
    assert message in page
    assert not ReturnEvidence.objects.exists()
    assert not list(settings.MEDIA_ROOT.rglob("*.*"))


def test_a_path_in_the_upload_name_is_neutralised(users, draft, client_for, settings):
    client = client_for(users[Role.HEADTEACHER])
    upload = SimpleUploadedFile("../../x.pdf", PDF, content_type="application/pdf")
    client.post(url("return_evidence_add", draft.participation), {"file": upload})
    evidence = ReturnEvidence.objects.get()
    assert evidence.original_name == "x.pdf"
    assert evidence.file.name.startswith(f"returns/{draft.pk}/evidence-")
    assert all(settings.MEDIA_ROOT in path.parents for path in settings.MEDIA_ROOT.rglob("*.pdf"))


@pytest.mark.parametrize("name", ["..\\..\\x.pdf", ".hidden.pdf", "a..pdf"])
def test_a_path_trick_in_the_name_is_refused_by_the_form(name):
    form = EvidenceForm(data={}, files={"file": SimpleUploadedFile(name, PDF)})
    assert not form.is_valid()
    assert form.errors["file"] == [
        "The file name must be a plain name, like invoice.pdf, without folders"
    ]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.HEADTEACHER, 200),
        (Role.GOVERNOR, 200),
        (Role.MANAGER, 200),
        (Role.CONSULTANT, 404),
        (Role.LINK_ADVISER, 404),
    ],
)
def test_evidence_is_downloaded_within_scope_only(role, status, users, draft, client_for):
    evidence = ReturnEvidenceFactory(expenditure_return=draft)
    assert client_for(users[role]).get(url("return_evidence", evidence)).status_code == status


def test_evidence_of_another_school_is_404(draft, foreign_users, sibling_school, client_for):
    evidence = ReturnEvidenceFactory(expenditure_return=draft)
    for user in (
        foreign_users[Role.MANAGER],
        foreign_users[Role.HEADTEACHER],
        make_user(Role.GOVERNOR, school=sibling_school),
    ):
        assert client_for(user).get(url("return_evidence", evidence)).status_code == 404


def test_evidence_is_removed_while_open_and_by_the_headteacher_only(users, draft, client_for):
    evidence = ReturnEvidenceFactory(expenditure_return=draft)
    assert (
        client_for(users[Role.GOVERNOR]).post(url("return_evidence_remove", evidence)).status_code
        == 403
    )
    assert ReturnEvidence.objects.exists()
    response = client_for(users[Role.HEADTEACHER]).post(url("return_evidence_remove", evidence))
    assert response.status_code == 302
    # Archived, not deleted: the file stays for the audit of the money until retention.
    assert not ReturnEvidence.objects.active().exists()
    evidence.refresh_from_db()
    assert evidence.archived_by == users[Role.HEADTEACHER]
    assert evidence.file.storage.exists(evidence.file.name)
    assert (
        client_for(users[Role.HEADTEACHER]).get(url("return_evidence", evidence)).status_code == 404
    )
    detail = client_for(users[Role.HEADTEACHER]).get(url("return_detail", draft.participation))
    assert evidence.original_name not in detail.content.decode()


# Submit, query, approve -----------------------------------------------------------------------


def test_submit_query_resubmit_and_approve(users, draft, client_for):
    participation = draft.participation
    head_client = client_for(users[Role.HEADTEACHER])
    manager_client = client_for(users[Role.MANAGER])
    # The manager cannot decide on a draft.
    assert manager_client.get(url("return_detail", participation)).status_code == 200
    response = head_client.post(url("return_submit", participation))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ReturnStatus.SUBMITTED
    assert draft.submitted_by == users[Role.HEADTEACHER]
    assert draft.submitted_at is not None
    # Submitted: the school can no longer change it.
    assert head_client.get(url("return_edit", participation)).status_code == 403

    # A query needs a message.
    response = manager_client.post(url("return_decide", participation), {"decision": "QUERY"})
    assert response.status_code == 200
    assert 'id="id_message_1_error"' in text(response)
    draft.refresh_from_db()
    assert draft.status == ReturnStatus.SUBMITTED

    question = "Why is no cover claimed for Tom Price's visit?"
    response = manager_client.post(
        url("return_decide", participation), {"decision": "QUERY", "message": question}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ReturnStatus.QUERIED
    assert draft.decided_by == users[Role.MANAGER]

    # The school sees the question, can change the return and submit it again.
    detail = head_client.get(url("return_detail", participation))
    assert 'id="query"' in text(detail)
    assert "Why is no cover claimed for Tom Price&#x27;s visit?" in text(detail)
    assert head_client.get(url("return_edit", participation)).status_code == 200
    head_client.post(url("return_submit", participation))
    draft.refresh_from_db()
    assert draft.status == ReturnStatus.SUBMITTED

    response = manager_client.post(url("return_decide", participation), {"decision": "APPROVE"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ReturnStatus.APPROVED
    # Approved: closed to the school.
    assert head_client.post(url("return_submit", participation)).status_code == 403

    history = text(manager_client.get(url("return_detail", participation)))
    steps = history[history.index('id="history"') :]
    assert steps.count("Submitted") == 2
    assert "Queried" in steps and "Approved" in steps
    assert "Tom Price&#x27;s visit" in steps


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.HEADTEACHER, 403),
        (Role.GOVERNOR, 403),
        (Role.CONSULTANT, 404),
        (Role.LINK_ADVISER, 404),
    ],
)
def test_only_the_manager_decides(role, status, users, draft, client_for):
    draft.status = ReturnStatus.SUBMITTED
    draft.submitted_at = datetime.datetime(2005, 7, 1, tzinfo=datetime.UTC)
    draft.save()
    response = client_for(users[role]).post(
        url("return_decide", draft.participation), {"decision": "APPROVE"}
    )
    assert response.status_code == status
    draft.refresh_from_db()
    assert draft.status == ReturnStatus.SUBMITTED


def test_the_governor_reads_but_cannot_submit(users, draft, client_for):
    response = client_for(users[Role.GOVERNOR]).post(url("return_submit", draft.participation))
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == ReturnStatus.DRAFT


# The manager's list ---------------------------------------------------------------------------


def test_the_list_shows_status_money_and_flags_and_filters(
    users, year, draft, sibling_school, client_for
):
    # The sibling has no return; Millfield's return puts money into the general budget.
    ParticipationFactory(programme_year=year, school=sibling_school)
    OtherSpendingFactory(
        expenditure_return=draft, category=SpendingCategory.GENERAL_BUDGET, amount=Decimal("9.99")
    )
    client = client_for(users[Role.MANAGER])
    page = text(client.get(url("return_list", year)))
    assert "Millfield Primary School" in page and "Oakwood Primary School" in page
    assert "Spending on something other than the programme" in page
    assert "1,620.00" in page
    flagged = text(client.get(url("return_list", year), {"flagged": "1"}))
    assert "Millfield Primary School" in flagged and "Oakwood Primary School" not in flagged
    none = text(client.get(url("return_list", year), {"status": "NONE"}))
    assert "Oakwood Primary School" in none and "Millfield Primary School" not in none


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.MANAGER, 200), (Role.ADMIN, 200), (Role.HEADTEACHER, 403), (Role.GOVERNOR, 403)],
)
def test_the_list_is_for_the_manager(role, status, users, year, client_for):
    assert client_for(users[role]).get(url("return_list", year)).status_code == status


def test_the_list_of_another_lea_is_404(year, foreign_users, client_for):
    assert client_for(foreign_users[Role.MANAGER]).get(url("return_list", year)).status_code == 404


def test_the_list_takes_a_fixed_number_of_queries(
    users, year, client_for, django_assert_max_num_queries
):
    client = client_for(users[Role.MANAGER])
    for count in (2, 10):
        for _ in range(count):
            participation = ParticipationFactory(programme_year=year)
            grant_compute(participation=participation)
            claim = CoverClaimFactory(expenditure_return__participation=participation)
            OtherSpendingFactory(expenditure_return=claim.expenditure_return)
        with django_assert_max_num_queries(LIST_QUERY_BOUND):
            response = client.get(url("return_list", year))
        assert text(response).count('data-status="DRAFT"') >= count


def test_evidence_cannot_be_removed_or_added_once_submitted(users, draft, client_for):
    evidence = ReturnEvidenceFactory(expenditure_return=draft)
    draft.status = ReturnStatus.SUBMITTED
    draft.submitted_at = datetime.datetime(2005, 7, 1, tzinfo=datetime.UTC)
    draft.save()
    client = client_for(users[Role.HEADTEACHER])
    assert client.post(url("return_evidence_remove", evidence)).status_code == 403
    upload = SimpleUploadedFile("late.pdf", PDF, content_type="application/pdf")
    response = client.post(url("return_evidence_add", draft.participation), {"file": upload})
    assert response.status_code == 403
    assert list(ReturnEvidence.objects.values_list("pk", flat=True)) == [evidence.pk]


def test_a_draft_cannot_be_approved(users, draft, client_for):
    response = client_for(users[Role.MANAGER]).post(
        url("return_decide", draft.participation), {"decision": "APPROVE"}
    )
    assert response.status_code == 200
    assert "Only a submitted return can be approved or queried." in text(response)
    draft.refresh_from_db()
    assert draft.status == ReturnStatus.DRAFT
