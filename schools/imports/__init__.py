"""Imports of public data files into the schools register (issue 7, items 1 to 3).

`reading` opens a CSV safely (encoding, wrong files, truncated rows), `base` runs an import
(check, then save in one transaction) and records it, and one module per file kind knows that
file's columns: `gias`, `ks2`, `census`, `links`. `importer_for` gives a record's importer.
"""


def importer_for(record):
    """The importer of a record's kind of file."""
    from ..models import ImportKind
    from .census import CensusImporter
    from .gias import GiasImporter
    from .ks2 import Ks2Importer
    from .links import LinksImporter

    importers = {
        ImportKind.GIAS: GiasImporter,
        ImportKind.KS2: Ks2Importer,
        ImportKind.CENSUS: CensusImporter,
        ImportKind.GIAS_LINKS: LinksImporter,
    }
    return importers[record.kind](record)
