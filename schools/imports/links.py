"""The GIAS links file (`links_edubasealldataYYYYMMDD.csv`): `URN`, `LinkURN`, `LinkName`,
`LinkType`, `LinkEstablishedDate` (dd-mm-yyyy).

Every link is stored, whether or not its schools are in the register (they may be imported
later); a link is known by (URN, LinkURN, LinkType), so importing the file again changes
nothing. `SchoolLink.objects.predecessor_pairs` then tells the selection which older URNs a
school's programme history comes from. Admins only: national data.
"""

from ..models import ImportKind, SchoolLink
from .base import Importer, Outcome, RowError, parse_int, shown
from .gias import _date, _text

FIELDS = ("linked_name", "established_on")


class LinksImporter(Importer):
    kind = ImportKind.GIAS_LINKS
    file_label = "GIAS links"
    required_columns = ("URN", "LinkURN", "LinkType")

    def key_of(self, parsed):
        return (parsed["urn"], parsed["linked_urn"], parsed["link_type"])

    def parse(self, row):
        link_type = _text(row, "LinkType", max_length=60)
        if not link_type:
            raise RowError("LinkType", "is empty")
        return {
            "urn": parse_int(row, "URN", required=True, minimum=1),
            "linked_urn": parse_int(row, "LinkURN", required=True, minimum=1),
            "link_type": link_type,
            "values": {
                "linked_name": _text(row, "LinkName", max_length=200),
                "established_on": _date(row, "LinkEstablishedDate"),
            },
        }

    def apply(self, batch, *, write):
        existing = {
            (link.urn, link.linked_urn, link.link_type): link
            for link in SchoolLink.objects.filter(urn__in={parsed["urn"] for _, parsed in batch})
        }
        outcomes, to_create = [], []
        for row, parsed in batch:
            key = self.key_of(parsed)
            label = f"URN {parsed['urn']} {parsed['link_type']} {parsed['linked_urn']}"
            values = parsed["values"]
            link = existing.get(key)
            if link is None:
                changes = {name: ["", shown(values[name])] for name in FIELDS}
                outcomes.append(Outcome(row.line, label, "created", changes))
                if write:
                    to_create.append(
                        SchoolLink(urn=key[0], linked_urn=key[1], link_type=key[2], **values)
                    )
                continue
            changes = {
                name: [shown(getattr(link, name)), shown(values[name])]
                for name in FIELDS
                if getattr(link, name) != values[name]
            }
            if not changes:
                outcomes.append(Outcome(row.line, label, "unchanged"))
                continue
            outcomes.append(Outcome(row.line, label, "updated", changes))
            if write:
                for name in changes:
                    setattr(link, name, values[name])
                link.save(update_fields=list(changes))
        if to_create:
            SchoolLink.objects.bulk_create(to_create)
        return outcomes
