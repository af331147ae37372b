"""Bad input (issue 8, item 10): uploads. The two places a user sends a file, the evidence of
an expenditure return and the import files, refuse a file of the wrong type, one too large and
one with a tricky name, with a message next to the field and nothing saved; a file they take is
stored under a name of the application's own under MEDIA_ROOT, and evidence is downloaded as an
attachment that a browser does not sniff or render."""

import gzip
import io
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import schools.forms
from accounts.models import Role
from config.celery import app as celery_app
from funding.factories import ExpenditureReturnFactory, ReturnEvidenceFactory
from funding.models import EVIDENCE_MAX_BYTES, ReturnEvidence
from funding.services.grants import grant_compute
from funding.services.returns import evidence_check
from leadership.factories import ParticipationFactory, ProgrammeYearFactory
from schools.models import ImportRecord

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 40
KS2 = (
    Path(__file__).resolve().parents[2] / "schools/tests/data/dfe_ks2_2019_sample.csv"
).read_bytes()

WRONG_TYPE = "The file must be a PDF, PNG or JPEG"
#: Names with folders or tricks in them.
PATH_TRICKS = [
    "../../etc/passwd.pdf",
    "..\\..\\x.pdf",
    "/etc/passwd.pdf",
    "C:\\Windows\\system.pdf",
    "invoice\u202efdp.exe",
    "inv\x00oice.pdf",
    ".hidden.pdf",
    "a" * 250 + ".pdf",
]


class RawUpload(io.BytesIO):
    """An upload with its name as given (Django's UploadedFile keeps only the last part)."""

    def __init__(self, name: str, data: bytes):
        super().__init__(data)
        self.name = name
        self.size = len(data)


def files_under(root) -> set:
    return {p for p in Path(root).rglob("*") if p.is_file()}


def error_next_to_field(html: str, field: str, message: str) -> bool:
    """The message is in the field's GOV.UK error message (and the page's error summary)."""
    starts = [m.end() for m in re.finditer(rf'id="id_{field}_\d+_error"', html)]
    return any(message in html[start : start + 400] for start in starts)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def participation(lea, school):
    year = ProgrammeYearFactory(local_authority=lea)
    participation = ParticipationFactory(programme_year=year, school=school)
    grant_compute(participation=participation)
    ExpenditureReturnFactory(participation=participation)
    return participation


@pytest.fixture
def head(users, client_for):
    return client_for(users[Role.HEADTEACHER])


def upload_evidence(client, participation, name, content):
    return client.post(
        reverse("funding:return_evidence_add", args=[participation.pk]),
        {"file": SimpleUploadedFile(name, content), "description": "Invoice"},
    )


# Evidence of an expenditure return ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("invoice.pdf", EXE, WRONG_TYPE),
        ("invoice.pdf", HTML, WRONG_TYPE),
        ("invoice.png", ZIP, WRONG_TYPE),
        ("invoice.pdf.exe", PDF, WRONG_TYPE),
        ("invoice.html", PDF, WRONG_TYPE),
        ("invoice", PDF, WRONG_TYPE),
        ("invoice.pdf", PDF + b"\x00" * (EVIDENCE_MAX_BYTES + 1 - len(PDF)), "smaller than 5 MB"),
        # Refused for its name or its type, whichever is checked first.
        ("invoice\u202efdp.exe", PDF, "The file "),
    ],
    ids=[
        "exe-as-pdf",
        "html-as-pdf",
        "zip-as-png",
        "pdf.exe",
        "html-name",
        "no-extension",
        "too-large",
        "rtl-override",
    ],
)
def test_bad_evidence_is_refused_next_to_the_field(
    media, participation, head, name, content, message
):
    before = files_under(media)

    response = upload_evidence(head, participation, name, content)

    assert response.status_code == 200
    assert error_next_to_field(response.content.decode(), "file", message)
    assert not ReturnEvidence.objects.filter(description="Invoice").exists()
    assert files_under(media) == before


@pytest.mark.parametrize("name", PATH_TRICKS, ids=lambda n: repr(n)[:20])
def test_a_tricky_name_is_refused_or_kept_only_for_display(media, participation, head, name):
    """Django's upload parser keeps only the last part of a path; what is left either fails the
    name check (with a message) or is kept only as the name shown, never as the stored path."""
    response = upload_evidence(head, participation, name, PDF)

    evidence = ReturnEvidence.objects.filter(description="Invoice").first()
    if evidence is None:
        assert response.status_code == 200
        assert error_next_to_field(response.content.decode(), "file", "")
        return
    assert response.status_code == 302
    assert not set("/\\\x00\u202e") & set(evidence.original_name)
    assert ".." not in evidence.original_name
    assert re.fullmatch(r"returns/\d+/evidence-[0-9a-f]{32}\.pdf", evidence.file.name)
    stored = Path(evidence.file.path).resolve()
    assert stored.is_relative_to(Path(media).resolve()) and stored.read_bytes() == PDF


@pytest.mark.parametrize("name", [*PATH_TRICKS[:6], "x/../../y.pdf", "x.pdf/", "CON.pdf\\"])
def test_the_name_check_itself_refuses_folders_and_hidden_characters(name):
    """Whatever reaches the service (another client, a future upload handler): a name with a
    folder, a parent, or a character that is not printable is refused."""
    upload = RawUpload(name, PDF)
    with pytest.raises(ValidationError) as refused:
        evidence_check(upload)
    assert refused.value.code in ("bad_name", "bad_type")


def test_a_double_extension_ending_in_pdf_is_stored_under_our_name(media, participation, head):
    response = upload_evidence(head, participation, "shell.php.pdf", PDF)

    evidence = ReturnEvidence.objects.get(description="Invoice")
    assert response.status_code == 302
    assert evidence.original_name == "shell.php.pdf"
    assert re.fullmatch(r"returns/\d+/evidence-[0-9a-f]{32}\.pdf", evidence.file.name)
    assert "php" not in Path(evidence.file.path).name


def test_evidence_is_downloaded_as_an_attachment_never_sniffed(media, participation, head):
    upload_evidence(head, participation, "invoice.png", PNG)
    evidence = ReturnEvidence.objects.get(description="Invoice")

    response = head.get(reverse("funding:return_evidence", args=[evidence.pk]))

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PNG


def test_an_html_file_put_there_by_other_means_is_never_served_as_a_page(
    media, participation, head
):
    evidence = ReturnEvidenceFactory(
        expenditure_return=participation.expenditure_return,
        file=ContentFile(HTML, name="page.html"),
        original_name="page.html",
    )

    response = head.get(reverse("funding:return_evidence", args=[evidence.pk]))

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


# Import files ---------------------------------------------------------------------------------


@pytest.fixture
def manager(users, client_for, monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    return client_for(users[Role.MANAGER])


def upload_import(client, name, content, kind="ks2"):
    return client.post(
        reverse("schools:import_upload", args=[kind]),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv"), "year": "2019"},
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("results.csv", EXE, "This is a program"),
        ("results.csv", HTML, "web page"),
        ("results.csv", b"\xef\xbb\xbf  <html><body>x</body></html>", "web page"),
        ("results.csv", ZIP, "Excel (.xlsx) or zip"),
        ("results.csv", PDF, "PDF file"),
        ("results.csv", gzip.compress(KS2), "compressed"),
        ("results.csv", b"URN,NAME\n" + bytes(range(256)) * 4, "binary data"),
    ],
    ids=["exe", "html", "html-with-bom", "zip", "pdf", "gzip", "binary"],
)
def test_a_file_that_is_not_csv_is_refused_next_to_the_field(
    media, manager, name, content, message
):
    before = files_under(media)

    response = upload_import(manager, name, content)

    assert response.status_code == 200
    assert error_next_to_field(response.content.decode(), "file", message)
    assert not ImportRecord.objects.exists()
    assert files_under(media) == before


def test_an_import_file_too_large_is_refused(media, manager, monkeypatch):
    monkeypatch.setattr(schools.forms, "IMPORT_MAX_BYTES", len(KS2) - 1)

    response = upload_import(manager, "results.csv", KS2)

    assert error_next_to_field(response.content.decode(), "file", "smaller than 200 MB")
    assert not ImportRecord.objects.exists()
    assert files_under(media) == set()


@pytest.mark.parametrize("name", PATH_TRICKS, ids=lambda n: repr(n)[:20])
def test_an_import_is_stored_under_our_name_whatever_it_was_called(media, manager, name):
    response = upload_import(manager, name, KS2)

    record = ImportRecord.objects.get()
    assert response.status_code == 302
    assert re.fullmatch(r"imports/ks2-[0-9a-f]{32}\.csv", record.stored_file)
    assert not set("/\\\x00") & set(record.file_name)
    assert ".." not in record.file_name.replace("...", "")
    stored = (Path(media) / record.stored_file).resolve()
    assert stored.is_relative_to(Path(media).resolve()) and stored.read_bytes() == KS2
    assert files_under(media) == {stored}
