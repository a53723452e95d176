"""The registry of official files a refresh reads: one :class:`~regions.official.base.OfficialSource` per dataset,
each declared in its producer's module next to its parser."""

from __future__ import annotations

from typing import Final

from regions.official import arcep, census, cnaf, dares, insee
from regions.official.base import OfficialSource

#: Every refreshable dataset, by id, in the order a refresh runs them.
OFFICIAL: Final[dict[str, OfficialSource]] = {
    source.dataset_id: source
    for source in (arcep.SOURCE, insee.SOURCE, dares.SOURCE, cnaf.SOURCE, census.ACTIVITY, census.FAMILIES)
}
