"""The improvement plan a facilitator writes after the hot wash: a TOML file read into the
after-action report's plan table, and the template to start it from.

```toml
[[item]]
finding = 2                  # the 2nd area for improvement, as the after-action report numbers them
action = "Brief the duty officers on the hotline's answering drill"
owner = "Joint Staff J3"
due = 2027-03-01             # a TOML date, or "2027-03-01"

[[item]]
issue = "Nobody owned the press line"   # an issue in words, when it is no area of the report
action = "Name a spokesperson in the crisis cell"
owner = "MoD press office"
due = "2027-04-15"
capability = "Public information and warning"   # optional: or objective = 3
```

Every mistake is one line naming the file, the line and the field, as for scenarios and orders
files (:mod:`detente.engine.problems`): ``plan.toml:7: item[1].due: …``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import tomli_w
from attrs import frozen

from detente.engine.locate import FieldPath, field_lines, nearest_line
from detente.engine.problems import Problem, ScenarioError, describe, format_path, one_line, suggest
from detente.engine.tomlfile import MAX_FILE_BYTES, decode, read_toml, too_big
from detente.tui.errors import UserError

__all__ = ["FIELDS", "Plan", "PlanError", "PlanItem", "load_plan", "parse_plan", "plan_template"]

FIELDS = ("issue", "finding", "action", "owner", "due", "objective", "capability")
"""The fields of a plan's ``[[item]]``."""
MAX_TEXT = 2000
"""An issue, action or owner is at most this many characters."""


@frozen
class PlanItem:
    """One row of the improvement plan."""

    issue: str
    """The issue in words (empty: the area for improvement :attr:`finding` says it)."""
    finding: int
    """The area for improvement it answers, as the after-action report numbers them (1 is the
    first); 0: none."""
    action: str
    """The corrective action."""
    owner: str
    """Who carries it out (an organisation, an office, a person)."""
    due: date | None
    """When it is due; None: not set."""
    objective: int = 0
    """The learning objective it bears on (1 is the first); 0: as its area says, or none."""
    capability: str = ""
    """The capability it bears on; empty: as its area says, or none."""


@frozen
class Plan:
    """An improvement plan read from a file."""

    path: str
    items: tuple[PlanItem, ...]


class PlanError(UserError):
    """A plan file that cannot be read; ``str()`` is one line per mistake, each naming the file,
    the line and the field."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def load_plan(path: str | os.PathLike[str], areas: int, objectives: int) -> Plan:
    """Read the plan file at ``path`` for a report with ``areas`` areas for improvement and
    ``objectives`` learning objectives (:class:`PlanError` if it cannot be read or is wrong)."""
    p = os.fspath(path)
    try:
        with open(p, "rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)  # no more: a larger file is refused unread
    except OSError as exc:
        raise PlanError([f"{p}: cannot read the plan file ({exc.strerror or exc})"]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise PlanError([str(too_big(p, "plan"))])
    try:
        text = decode(raw, p)
    except ScenarioError as exc:
        raise PlanError([str(q) for q in exc.problems]) from None
    return parse_plan(text, p, areas, objectives)


def parse_plan(text: str, path: str, areas: int, objectives: int) -> Plan:
    """A plan file's text as a :class:`Plan` (see :func:`load_plan`)."""
    try:
        data = read_toml(text.removeprefix("\ufeff"), path, "plan")
    except ScenarioError as exc:
        raise PlanError([str(q) for q in exc.problems]) from None
    c = _Checker(path, text)
    c.unknown(data, (), ("item",))
    listed = data.get("item", [])
    if not isinstance(listed, list):
        c.fail(("item",), "expected [[item]] tables, one for each row of the plan")
        listed = []
    items = []
    for i, t in enumerate(listed):
        where: FieldPath = ("item", i)
        if not isinstance(t, dict):
            c.fail(where, "expected an [[item]] table")
            continue
        c.unknown(t, where, FIELDS)
        issue = c.text(t, where, "issue")
        finding = c.number(t, where, "finding", areas, _areas_words(areas))
        if not issue.strip() and not finding and "finding" not in t:
            c.fail(where, 'say what the issue is: issue = "…" in words, or finding = N for the Nth '
                   "area for improvement of the after-action report")
        objective = c.number(t, where, "objective", objectives, _objectives_words(objectives))
        capability = c.text(t, where, "capability", limit=200)
        items.append(PlanItem(
            issue=" ".join(issue.split()), finding=finding, action=c.text(t, where, "action"),
            owner=c.text(t, where, "owner"), due=c.due(t, where), objective=objective,
            capability=" ".join(capability.split()),
        ))
    if c.problems:
        c.problems.sort(key=lambda q: -1 if q.line is None else q.line)  # in the file's order
        raise PlanError([str(q) for q in c.problems])
    return Plan(path, tuple(items))


def _areas_words(n: int) -> str:
    if n == 0:
        return "the after-action report lists no area for improvement"
    return f"the after-action report lists {n} area{'s' if n != 1 else ''} for improvement (1 to {n})"


def _objectives_words(n: int) -> str:
    if n == 0:
        return "the scenario names no learning objectives"
    return f"the scenario has {n} learning objective{'s' if n != 1 else ''} (1 to {n})"


class _Checker:
    """Reads one plan's fields, collecting a problem (with its line) for each mistake."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text_of_file = text
        self.problems: list[Problem] = []
        self._lines: dict[FieldPath, int] | None = None

    def fail(self, where: FieldPath, message: str) -> None:
        if self._lines is None:  # once, on the first problem: the line finder reads the file
            self._lines = field_lines(self.text_of_file)
        field = format_path(where) or "<plan>"
        self.problems.append(Problem(self.path, nearest_line(self._lines, where), field, message))

    def unknown(self, table: Mapping[str, Any], where: FieldPath, allowed: Sequence[str]) -> None:
        for k in table:
            if k not in allowed:
                self.fail((*where, k), f"unknown field '{one_line(k)}'{suggest(k, allowed)} "
                          f"(fields: {', '.join(allowed)})")

    def text(self, table: Mapping[str, Any], where: FieldPath, key: str, limit: int = MAX_TEXT) -> str:
        v = table.get(key, "")
        if not isinstance(v, str):
            self.fail((*where, key), f"expected text in quotes, got {describe(v)}")
            return ""
        if len(v) > limit:
            self.fail((*where, key), f"at most {limit} characters, got {len(v)}")
            return ""
        return v.strip()

    def number(self, table: Mapping[str, Any], where: FieldPath, key: str, most: int, words: str) -> int:
        if key not in table:
            return 0
        v = table[key]
        if type(v) is not int:
            self.fail((*where, key), f"expected a whole number, got {describe(v)}")
            return 0
        if not 1 <= v <= most:
            what = "area for improvement" if key == "finding" else "learning objective"
            self.fail((*where, key), f"no {what} {v}: {words}")
            return 0
        return v

    def due(self, table: Mapping[str, Any], where: FieldPath) -> date | None:
        v = table.get("due", "")
        if isinstance(v, datetime):
            self.fail((*where, "due"), f"a date without a time, such as {v.date().isoformat()}")
            return None
        if isinstance(v, date):
            return v
        if isinstance(v, str):
            if not v.strip():
                return None
            try:
                if _DATE.fullmatch(v.strip()):
                    return date.fromisoformat(v.strip())
            except ValueError:
                pass
            self.fail((*where, "due"), f"{describe(v)} is not a date: write it as YYYY-MM-DD, "
                      "such as 2027-03-01")
            return None
        self.fail((*where, "due"), f"expected a date such as 2027-03-01, got {describe(v)}")
        return None


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def plan_template(areas: Sequence[tuple[str, int, str]], title: str) -> str:
    """A plan file to fill in: one ``[[item]]`` per area for improvement (``(issue, learning
    objective, capability)`` each, in the after-action report's order), with its number, its issue
    in words and what it bears on; the action, owner and due date empty."""
    lines = [
        f"# Improvement plan for {one_line(title, 200)}.",
        "# One [[item]] per area for improvement of the after-action report (finding = its number",
        "# there). Fill in the corrective action, who owns it and when it is due (a date such as",
        "# 2027-03-01), then write the report with it:",
        "#   detente report LOG --format aar --plan THIS_FILE",
        "# The issue may be reworded (the plan shows these words); an item may be added for an issue",
        '# the report does not list (issue = "…" without a finding). An area with no item is listed',
        "# in the plan all the same, with its cells empty.",
        "",
    ]
    if not areas:
        lines += ["# The after-action report lists no area for improvement: add items of your own.", "",
                  "# [[item]]", '# issue = ""', '# action = ""', '# owner = ""', '# due = ""', ""]
    for n, (issue, objective, capability) in enumerate(areas, 1):
        item: dict[str, Any] = {"finding": n, "issue": issue}
        if objective:
            item["objective"] = objective
        if capability:
            item["capability"] = capability
        item.update(action="", owner="", due="")
        lines += [f"# Area for improvement {n}", "[[item]]", tomli_w.dumps(item).rstrip(), ""]
    return "\n".join(lines).rstrip() + "\n"
