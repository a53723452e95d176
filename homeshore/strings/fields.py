"""Applicant-file fields (see ``regions.applicants.FIELDS``), as the mapping editor names them."""

from __future__ import annotations

FIELD_LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "id": "Identifiant",
        "name": "Nom",
        "postcode": "Code postal",
        "town": "Commune",
        "insee": "Code INSEE",
        "lat": "Latitude",
        "lon": "Longitude",
        "skills": "Compétences",
        "availability": "Disponibilité",
        "fibre": "Connexion fibre",
        "telework": "Télétravail souhaité",
        "disability": "Handicap / RQTH",
        "family": "Situation familiale",
    },
    "en": {
        "id": "Identifier",
        "name": "Name",
        "postcode": "Postcode",
        "town": "Commune",
        "insee": "INSEE code",
        "lat": "Latitude",
        "lon": "Longitude",
        "skills": "Skills",
        "availability": "Availability",
        "fibre": "Fibre connection",
        "telework": "Home working wanted",
        "disability": "Disability / RQTH",
        "family": "Family situation",
    },
}
