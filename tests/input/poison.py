"""Script in every free-text field: `poison_world()` stores, through the ORM, markup that would
run if a page printed it unescaped, in every CharField and TextField without choices of every
row of the project's apps; each field gets its own tag (F01, F02...) in front, so that a page
showing the field escaped can be told from one that does not show it."""

from django.db import models

from .rows import project_models

#: The full payload, for fields long enough to hold it.
PAYLOAD = "<script>window.__xss=1</script>\"'><img src=x onerror=alert(1)><svg onload=alert(1)>"
#: Shorter ones for the narrower fields.
MEDIUM = "<svg onload=alert(1)>"
SHORT = "<i id=9>"
#: What must never appear in a page: the markup of the payloads, unescaped.
RAW_MARKERS = ("<script>window.__xss", "<img src=x onerror", "<svg onload", SHORT)

#: Fields that hold no text a user gives: secrets, keys and paths of the application's own
#: (changing them would break the pages rather than test them), and the report's HTML, which
#: the application renders itself (the tests generate a report from poisoned records instead).
NOT_FREE_TEXT = {
    ("accounts.User", "password"),
    ("consultants.Adviser", "calendar_token"),
    ("funding.ReturnEvidence", "token"),
    ("reports.ReportBatch", "idempotency_key"),
    ("reports.ReportRun", "idempotency_key"),
    ("reports.ReportRun", "scope_key"),
    ("reports.ReportRun", "html"),
    ("reports.Notification", "url"),
    ("schools.ImportRecord", "stored_file"),
    ("schools.ImportRecord", "encoding"),
    # Too narrow for any markup (3 and 4 characters).
    ("schools.LocalAuthority", "code"),
    ("schools.School", "establishment_number"),
}


def free_text_fields():
    """(model, field) of every free-text field of the project's apps, in a fixed order."""
    found = []
    for model in project_models():
        for f in model._meta.concrete_fields:
            if not isinstance(f, models.CharField | models.TextField) or f.choices:
                continue
            if (model._meta.label, f.name) in NOT_FREE_TEXT:
                continue
            found.append((model, f))
    return found


def _in_unique_constraint(model, f) -> bool:
    together = [set(names) for names in model._meta.unique_together]
    together += [
        set(c.fields) for c in model._meta.constraints if isinstance(c, models.UniqueConstraint)
    ]
    return f.unique or any(f.name in names for names in together)


def payload_for(tag: str, model, f, pk) -> str:
    """The payload the field can hold, with its tag in front (and the row's pk after it for a
    field that must be unique, alone or with others)."""
    limit = f.max_length or 10_000
    suffix = str(pk) if _in_unique_constraint(model, f) else ""
    for text in (PAYLOAD, MEDIUM, SHORT):
        value = f"{tag}{text}{suffix}"
        if len(value) <= limit:
            return value
    return SHORT


def poison_world() -> dict:
    """Store the payloads; {tag: "app.Model.field"}."""
    tags = {}
    by_model = {}
    for index, (model, f) in enumerate(free_text_fields(), start=1):
        tag = f"F{index:02d}"
        tags[tag] = f"{model._meta.label}.{f.name}"
        by_model.setdefault(model, []).append((tag, f))
    for model, fields in by_model.items():
        for pk in model._base_manager.values_list("pk", flat=True):
            model._base_manager.filter(pk=pk).update(
                **{f.attname: payload_for(tag, model, f, pk) for tag, f in fields}
            )
    return tags


def raw_markers_in(text: str) -> list[str]:
    return [marker for marker in RAW_MARKERS if marker in text]


def tags_shown_escaped(text: str, tags) -> set[str]:
    return {tag for tag in tags if f"{tag}&lt;" in text}
