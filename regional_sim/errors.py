"""Errors of the reference regional backend, each mapped to an HTTP status and OperationOutcome."""

from __future__ import annotations

from typing import Any

__all__ = ["FhirError", "RegionalSimError", "operation_outcome"]


class RegionalSimError(Exception):
    """Base class of every regional_sim error."""


class FhirError(RegionalSimError):
    """A FHIR interaction failed; rendered as an OperationOutcome with ``status``.

    ``code`` is an IssueType code (``invalid``, ``not-found``, ``conflict``,
    ``processing``, ...); ``expression`` lists FHIRPath-like locations.
    """

    def __init__(
        self,
        status: int,
        code: str,
        diagnostics: str,
        *,
        expression: list[str] | None = None,
        issues: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(diagnostics)
        self.status = status
        self.code = code
        self.diagnostics = diagnostics
        self.expression = expression or []
        self.extra_issues = issues or []

    def outcome(self) -> dict[str, Any]:
        """Return the OperationOutcome resource (JSON object) describing this error."""
        if self.extra_issues:
            return {"resourceType": "OperationOutcome", "issue": list(self.extra_issues)}
        return operation_outcome(
            severity="error",
            code=self.code,
            diagnostics=self.diagnostics,
            expression=self.expression,
        )


def operation_outcome(
    *, severity: str, code: str, diagnostics: str, expression: list[str] | None = None
) -> dict[str, Any]:
    """Build a single-issue OperationOutcome JSON object."""
    issue: dict[str, Any] = {"severity": severity, "code": code, "diagnostics": diagnostics}
    if expression:
        issue["expression"] = expression
    return {"resourceType": "OperationOutcome", "issue": [issue]}
