"""Farm-wide label analysis: what serves every job, and what in the labels looks wrong.

Findings, by severity:

- error ``unsatisfiable``: no template (or static node) serves a job's label; the hint
  names the nearest templates and what each lacks, and a did-you-mean for unknown labels.
- warning ``ambiguous``: several templates serve a job's label; the first one wins.
- warning ``label-typo``: a job asks for a label no template offers, but one that
  differs only in case or by a small typo is offered.
- warning ``label-case``: templates offer labels that differ only in case.
- info ``unused-template``: no job's label matches a template.
- info ``shadowed-template``: jobs match a template, but always another one first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

import attrs

from jenkins_docker_sdk.errors import InputError
from jenkins_docker_sdk.labels import _tenancy as tenancy
from jenkins_docker_sdk.labels._resolver import LabelResolver, Resolution
from jenkins_docker_sdk.labels._syntax import LabelExpression, quote_atom
from jenkins_docker_sdk.model import AgentTemplate, Farm, JobSpec, Location, Problem, StaticNode, TeamRepo

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
_LISTED = 3  # names listed in a message before "and N more"


@attrs.frozen
class Finding:
    """One thing the analysis noticed: how bad, what kind, where, and what to do."""

    severity: Severity
    kind: str
    message: str
    location: Location | None = None
    hint: str | None = None
    subjects: tuple[str, ...] = ()  # the jobs or templates concerned

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        return text + (f"\n    {self.hint}" if self.hint else "")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "severity": self.severity,
            "kind": self.kind,
            "message": self.message,
            "location": str(self.location) if self.location else None,
            "hint": self.hint,
            "subjects": list(self.subjects),
        }


@attrs.frozen
class LabelReport:
    """The findings of :func:`analyse_labels` and each job's matching templates."""

    findings: tuple[Finding, ...]
    #: each servable job's templates by its full name, the first match first
    bindings: Mapping[str, tuple[AgentTemplate, ...]] = attrs.field(repr=False)
    jobs: int
    resolver: LabelResolver = attrs.field(eq=False, repr=False)

    def by_severity(self, severity: Severity) -> tuple[Finding, ...]:
        """The findings of one severity, in the order found."""
        return tuple(f for f in self.findings if f.severity == severity)

    @property
    def errors(self) -> tuple[Finding, ...]:
        """Findings that make the farm unusable."""
        return self.by_severity("error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """Findings that are probably mistakes."""
        return self.by_severity("warning")

    @property
    def ok(self) -> bool:
        """True when there is no error."""
        return not self.errors

    def problems(self) -> list[Problem]:
        """The errors as :class:`LabelProblem` objects, for a :class:`FarmError`."""
        return [LabelProblem(f.message, f.location, f.hint, report=self) for f in self.errors]

    def warning_lines(self) -> list[str]:
        """The warnings as one line each (``location: message``), as ``Farm.warnings`` holds them."""
        return [f"{f.location}: {f.message}" if f.location else f.message for f in self.warnings]

    def summary(self) -> dict[str, int]:
        """Counts of jobs, templates, nodes and findings per severity."""
        counts = {
            "jobs": self.jobs,
            "templates": len(self.resolver.templates),
            "nodes": len(self.resolver.nodes),
        }
        counts.update({_plural(s): len(self.by_severity(s)) for s in SEVERITIES})
        return counts

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``ok``, ``summary``, ``findings`` and ``bindings``."""
        return {
            "ok": self.ok,
            "summary": self.summary(),
            "findings": [f.to_dict() for f in self.findings],
            "bindings": {job: [t.name for t in found] for job, found in sorted(self.bindings.items())},
        }

    def to_text(self) -> str:
        """Readable: a count line, then the findings grouped by severity, errors first."""
        grouped = {severity: self.by_severity(severity) for severity in SEVERITIES}
        lines = [", ".join(_count(len(found), severity) for severity, found in grouped.items())]
        for severity, found in grouped.items():
            if found:
                lines += ["", f"{_plural(severity)}:"]
                lines += ["  " + str(f).replace("\n", "\n  ") for f in found]
        return "\n".join(lines)


def _plural(severity: Severity) -> str:
    return "info" if severity == "info" else severity + "s"


@attrs.frozen
class LabelProblem(Problem):
    """A farm problem found by the label analysis; it carries the whole report."""

    report: LabelReport | None = attrs.field(default=None, eq=False, repr=False)


def report_from_error(error: InputError) -> LabelReport | None:
    """The label report behind ``error`` when every problem in it comes from the label analysis.

    Lets ``jds labels`` show the whole analysis of a farm that fails to load only
    because of its labels.
    """
    reports = {id(p.report): p.report for p in error.problems if isinstance(p, LabelProblem) and p.report}
    only_labels = all(isinstance(p, LabelProblem) for p in error.problems)
    return next(iter(reports.values())) if only_labels and len(reports) == 1 else None


@attrs.frozen
class _Label:
    """What the analysis learned about one distinct label expression."""

    resolution: Resolution
    expression: LabelExpression
    templates: tuple[AgentTemplate, ...] = ()  # the templates that serve it, first match first
    unknown: frozenset[str] = frozenset()  # atoms that no template or node offers


def analyse_labels(source: Farm | Iterable[TeamRepo], *, nodes: Iterable[StaticNode] = ()) -> LabelReport:
    """Resolve every job's label against the templates (and ``nodes``) and report findings.

    Args:
        source: a farm, or its repositories (templates in farm order, then their jobs).
        nodes: static nodes that can also serve jobs (see ``LabelResolver.from_jenkins``).
    """
    repos = source.repos if isinstance(source, Farm) else tuple(source)
    jobs = [job for repo in repos for job in repo.jobs]
    resolver = LabelResolver((repo.agent for repo in repos if repo.agent is not None), nodes)
    return _Analysis(resolver).run(jobs)


class _Analysis:
    def __init__(self, resolver: LabelResolver) -> None:
        self.resolver = resolver
        self.exact: set[str] = {label for t in resolver.templates for label in t.labels}
        self.exact.update(label for n in resolver.nodes for label in n.assigned_labels)
        self.offered: dict[str, list[str]] = {}  # lower-cased label -> the labels as offered
        for label in sorted(self.exact):
            self.offered.setdefault(label.lower(), []).append(label)
        self.labels: dict[LabelExpression, _Label] = {}
        self.hints: dict[LabelExpression, str] = {}
        self.findings: list[Finding] = []

    def run(self, jobs: list[JobSpec]) -> LabelReport:
        bindings: dict[str, tuple[AgentTemplate, ...]] = {}
        asked: dict[str, list[JobSpec]] = {}  # unknown atom -> jobs asking for it
        warnings: list[Finding] = []
        for job in jobs:
            label = self._label(job.label)
            for atom in label.unknown:
                asked.setdefault(atom, []).append(job)
            if not label.resolution.servable:
                served = "agent template or static node" if self.resolver.nodes else "agent template"
                message = f"job {job.full_name!r}: no {served} satisfies the label {self._shown(label, job)}"
                self._error(
                    "unsatisfiable", message, job, self._tenancy_hint(label, job) or self._hint(label)
                )
            else:
                bindings[job.full_name] = label.templates
                if len(label.templates) > 1:
                    warnings.append(self._ambiguous(job, [t.name for t in label.templates]))
        warnings += self._typos(asked)
        warnings += self._case_collisions()
        findings = self.findings + warnings + self._unreached()
        return LabelReport(tuple(findings), bindings, len(jobs), self.resolver)

    def _label(self, expression: LabelExpression) -> _Label:
        found = self.labels.get(expression)
        if found is None:
            resolution = self.resolver.resolve(expression)
            unknown = {atom for atom in expression.atoms - self.exact if not tenancy.is_reserved(atom)}
            found = _Label(resolution, expression, resolution.templates, frozenset(unknown))
            self.labels[expression] = found
        return found

    def _error(self, kind: str, message: str, job: JobSpec, hint: str | None = None) -> None:
        self.findings.append(Finding("error", kind, message, job.label_source, hint, (job.full_name,)))

    def _hint(self, label: _Label) -> str:
        expression = label.expression
        hint = self.hints.get(expression)
        if hint is not None:
            return hint
        explanation = self.resolver.explain(expression)
        if not self.resolver.templates:
            lines = ["the farm has no agent templates"]
        elif explanation.satisfiable is False:
            lines = ["the label is a contradiction: no set of labels satisfies it"]
        else:
            lines = ["nearest: " + "; ".join(map(str, explanation.nearest()))]
        for atom in sorted(label.unknown):
            similar = self._similar(atom, expression.atoms)
            if similar:
                lines.append(f"did you mean {_either(similar)} instead of {atom!r}?")
        hint = self.hints[expression] = "\n    ".join(lines)
        return hint

    @staticmethod
    def _shown(label: _Label, job: JobSpec) -> str:
        """The label as the team wrote it, and whose templates may serve it."""
        untenanted = tenancy.without_team(label.expression)
        if untenanted is None:
            return repr(str(job.label))
        return f"{str(untenanted)!r} (of the templates of team {job.team} and the shared ones)"

    def _tenancy_hint(self, label: _Label, job: JobSpec) -> str | None:
        """Why the label fails when only the team condition does: other teams' templates would serve it."""
        untenanted = tenancy.without_team(label.expression)
        if untenanted is None:
            return None
        others = self.resolver.resolve(untenanted).all_templates
        if not others:
            return None
        listed = _listing([f"{t.name} (team {t.team})" for t in others])
        return (
            f"only templates of other teams serve {str(untenanted)!r}: {listed}; a job runs only on its "
            f"own team's templates and the farm's shared ones\n    add a template to team {job.team}, or ask "
            "the platform team to share one (farm.yml tenancy.shared_templates)"
        )

    def _ambiguous(self, job: JobSpec, names: list[str]) -> Finding:
        message = (
            f"job {job.full_name!r}: label {str(job.label)!r} is satisfied by {len(names)} templates "
            f"({', '.join(names)}); {names[0]} is used first"
        )
        return Finding("warning", "ambiguous", message, job.label_source, None, (job.full_name, *names))

    def _similar(self, atom: str, mentioned: Iterable[str] = ()) -> tuple[str, ...]:
        """Offered labels that ``atom`` probably meant, not counting those in ``mentioned``."""
        skip = set(mentioned)
        same = [label for label in self.offered.get(atom.lower(), ()) if label not in skip]
        if same:
            return tuple(same)
        if len(atom) < 3:
            return ()
        limit = 1 if len(atom) <= 6 else 2
        lowered = atom.lower()
        scored = sorted(
            (distance, label)
            for key, labels in self.offered.items()
            if abs(len(key) - len(lowered)) <= limit
            and (distance := edit_distance(lowered, key, limit)) <= limit
            for label in labels
            if label not in skip
        )
        return tuple(label for distance, label in scored if distance == scored[0][0])[:_LISTED]

    def _typos(self, asked: dict[str, list[JobSpec]]) -> list[Finding]:
        found = []
        for atom, jobs in sorted(asked.items()):
            mentioned = frozenset.intersection(*(job.label.atoms for job in jobs))
            similar = self._similar(atom, mentioned)
            if not similar:
                continue
            if all(label.lower() == atom.lower() for label in similar):
                message = (
                    f"label {atom!r} is offered by no agent template, but {_either(similar)} is "
                    "(labels are case-sensitive)"
                )
            else:
                message = f"label {atom!r} is offered by no agent template; did you mean {_either(similar)}?"
            names = [job.full_name for job in jobs]
            hint = f"asked for by {_count(len(names), 'job')}: {_listing(names)}"
            found.append(Finding("warning", "label-typo", message, jobs[0].label_source, hint, tuple(names)))
        return found

    def _case_collisions(self) -> list[Finding]:
        found = []
        for variants in self.offered.values():
            if len(variants) < 2:
                continue
            carriers = {v: [t for t in self.resolver.templates if v in t.labels] for v in variants}
            carriers = {v: ts for v, ts in carriers.items() if ts}
            if len(carriers) < 2:
                continue
            message = f"labels {_both(list(carriers))} differ only in case; Jenkins tells them apart"
            hint = "; ".join(f"{v}: {_listing([t.name for t in ts])}" for v, ts in carriers.items())
            last = list(carriers.values())[-1][0]
            templates = tuple(t.name for ts in carriers.values() for t in ts)
            found.append(Finding("warning", "label-case", message, last.source, hint, templates))
        return found

    def _unreached(self) -> list[Finding]:
        resolutions = [label.resolution for label in self.labels.values()]
        matched = winners = 0
        for resolution in resolutions:
            matched |= resolution.matched
            winners |= resolution.matched & -resolution.matched
        found = []
        for position, template in enumerate(self.resolver.templates):
            bit = 1 << position
            if not matched & bit:
                found.append(self._unused(template))
            elif not winners & bit:
                instead = {r.first.name for r in resolutions if r.matched & bit and r.first is not None}
                found.append(self._shadowed(template, sorted(instead)))
        return found

    @staticmethod
    def _shadowed(template: AgentTemplate, instead: list[str]) -> Finding:
        message = (
            f"agent template {template.name!r} is never used first: every job it matches "
            f"is served by {_both(instead)} first"
        )
        hint = "the first matching template in farm order wins; give those jobs a label only it carries"
        return Finding("info", "shadowed-template", message, template.source, hint, (template.name,))

    @staticmethod
    def _unused(template: AgentTemplate) -> Finding:
        own = sorted(atom for atom in template.labels if not tenancy.is_reserved(atom))
        label = " && ".join(quote_atom(atom) for atom in own)
        message = f"agent template {template.name!r} serves no job: no job's label matches it"
        whose = "a job of any team" if template.shared else f"a job of team {template.team}"
        hint = f"{whose} reaches it with label: {label}"
        return Finding("info", "unused-template", message, template.source, hint, (template.name,))


def edit_distance(a: str, b: str, limit: int) -> int:
    """Edits (insert, delete, substitute, swap neighbours) from ``a`` to ``b``; ``limit + 1`` if more."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if before is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return min(previous[-1], limit + 1)


def _either(names: Iterable[str]) -> str:
    return " or ".join(repr(n) for n in names)


def _both(names: list[str]) -> str:
    quoted = [repr(n) for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 or noun == 'info' else 's'}"


def _listing(names: list[str]) -> str:
    more = len(names) - _LISTED
    return ", ".join(names[:_LISTED]) + (f" and {more} more" if more > 0 else "")
