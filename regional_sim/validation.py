"""Validation of incoming resources with the ``fhir.resources`` R4B models.

Models load lazily on first use of each type, so start-up stays fast. Pure
CPU work; call from the DB thread (or any thread) and never from the event loop
for large Bundles.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from app.domain.codice_fiscale import BirthSex, CodiceFiscaleError, verify_demographics

from .errors import FhirError
from .search_params import RESOURCE_TYPES

__all__ = ["CODICE_FISCALE_SYSTEM", "ID_RE", "validate_resource", "warm_up"]

CODICE_FISCALE_SYSTEM = "http://hl7.it/sid/codiceFiscale"
ID_RE = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
_SEX = {"male": BirthSex.MALE, "female": BirthSex.FEMALE}


def _location(loc: tuple[Any, ...], prefix: str) -> str:
    path = prefix
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}"
    return path


def validate_resource(
    resource: Any,
    *,
    expected_type: str | None = None,
    where: str | None = None,
    strict_codice_fiscale: bool = False,
) -> str:
    """Validate a resource JSON object and return its resourceType.

    ``where`` prefixes issue expressions (e.g. ``Bundle.entry[3].resource``).

    Raises:
        FhirError: 400 (``invalid``/``structure``) if the JSON is not a valid R4
            resource of a supported type or the type disagrees with
            ``expected_type``; 422 (``business-rule``) if a codice fiscale is
            wrong and ``strict_codice_fiscale`` is set.
    """
    if not isinstance(resource, dict):
        raise FhirError(400, "structure", "a resource must be a JSON object")
    rtype = resource.get("resourceType")
    prefix = where or (rtype if isinstance(rtype, str) else "Resource")
    if not isinstance(rtype, str) or rtype not in RESOURCE_TYPES:
        raise FhirError(
            400, "not-supported", f"unsupported resourceType {rtype!r}", expression=[prefix]
        )
    if expected_type is not None and rtype != expected_type:
        raise FhirError(
            400,
            "invalid",
            f"resourceType {rtype} does not match the endpoint {expected_type}",
            expression=[f"{prefix}.resourceType"],
        )
    rid = resource.get("id")
    if rid is not None and (not isinstance(rid, str) or not ID_RE.match(rid)):
        raise FhirError(400, "invalid", "malformed resource id", expression=[f"{prefix}.id"])
    # Imported lazily: the models cost ~0.1 s to import, kept off the start-up path
    # (see warm_up()).
    from fhir.resources.R4B import get_fhir_model_class
    from pydantic import ValidationError

    model = get_fhir_model_class(rtype)
    try:
        model.model_validate(resource)
    except ValidationError as exc:
        issues = [
            {
                "severity": "error",
                "code": "structure",
                "diagnostics": f"{err.get('msg', 'invalid')} ({err.get('type', '')})",
                "expression": [_location(tuple(err.get("loc", ())), prefix)],
            }
            for err in exc.errors()[:20]
        ]
        raise FhirError(400, "structure", "resource failed validation", issues=issues) from exc
    except (TypeError, ValueError) as exc:
        raise FhirError(400, "structure", f"resource failed validation: {exc}") from exc
    if strict_codice_fiscale and rtype == "Patient":
        _check_codice_fiscale(resource, prefix)
    return rtype


def _check_codice_fiscale(patient: dict[str, Any], prefix: str) -> None:
    sex = _SEX.get(str(patient.get("gender")))
    birth: dt.date | None = None
    birth_text = patient.get("birthDate")
    if isinstance(birth_text, str) and len(birth_text) == 10:
        try:
            birth = dt.date.fromisoformat(birth_text)
        except ValueError:
            birth = None
    for index, identifier in enumerate(patient.get("identifier") or []):
        if not isinstance(identifier, dict) or identifier.get("system") != CODICE_FISCALE_SYSTEM:
            continue
        try:
            verify_demographics(str(identifier.get("value", "")), sex=sex, birth_date=birth)
        except CodiceFiscaleError as exc:
            raise FhirError(
                422,
                "business-rule",
                f"codice fiscale rejected: {exc}",
                expression=[f"{prefix}.identifier[{index}].value"],
            ) from exc


def warm_up() -> None:
    """Import the R4B models used most, so the first write is not slowed (any thread)."""
    from fhir.resources.R4B import get_fhir_model_class

    for rtype in ("Observation", "Patient", "Bundle", "Binary", "DocumentReference"):
        get_fhir_model_class(rtype)
