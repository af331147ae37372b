"""What KS2 and census imports share: rows are for schools already in the register, by URN,
and a strategy manager's import touches only their own LEA's schools."""

from ..models import School
from .base import Importer, Outcome


class SchoolRowsImporter(Importer):
    """Looks up each batch's schools by URN. A URN not in the register, or (for a manager's
    import) of another LEA, is skipped and listed with the reason: national files cover every
    school in England, so these are expected, not errors."""

    def schools_of(self, batch) -> tuple[dict[int, School], list[Outcome]]:
        schools = School.objects.in_bulk([parsed["urn"] for _, parsed in batch], field_name="urn")
        lea_id = self.record.local_authority_id
        found, skipped = {}, []
        for row, parsed in batch:
            urn = parsed["urn"]
            school = schools.get(urn)
            if school is None:
                skipped.append(
                    Outcome(row.line, f"URN {urn}", "skipped", reason="not in the register")
                )
            elif lea_id is not None and school.local_authority_id != lea_id:
                skipped.append(Outcome(row.line, f"URN {urn}", "skipped", reason="not in your LEA"))
            else:
                found[urn] = school
        return found, skipped
