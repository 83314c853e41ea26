"""``detente msel``: a scenario's injects from a spreadsheet (a Master Scenario Events List) and back.

``detente msel import SHEET.csv --into SCENARIO.toml`` reads one inject per row and adds them to
the scenario file, in place, keeping its comments and layout; ``--dry-run`` shows what each row
became and writes nothing. ``detente msel export SCENARIO`` writes the injects as the same CSV.
docs/authoring.md ("Injects from a spreadsheet: MSEL") is the user's account; the choices:

- a row that cannot be read is reported as ``SHEET:ROW: COLUMN: why`` (the row as a spreadsheet
  numbers it, the heading being row 1); any such row and nothing is written, exit 1, unless
  ``--skip-bad``, which writes the rows that could be read (exit 0);
- the sender (From) and the delivery method (Method) open the inject's text as ``From: …`` and
  ``Via: …`` lines, so players read who sent it and how, and an export gives them back;
- the expected player action becomes a judged expectation whose teams are the inject's
  addressees (``who`` left out); its objective is the learning objective of that text or number,
  or, if none has that text, a new one appended to ``[scenario] learning_objectives``;
- controller notes go into the inject's ``notes``, which no team ever sees;
- a row with no inject text but an expected action adds a further expectation to the inject of
  the row above (an export writes an inject's second expectation so).

A sheet is CSV or, by its name's ending ``.xlsx``, an Excel workbook (its first worksheet, read
with openpyxl: values as shown, dates as ``YYYY-MM-DD``, whole numbers without ``.0``); an export
to ``-o FILE.xlsx`` writes a workbook with the same columns.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente.tui.cli.common import EXIT_ERROR, EXIT_OK, EXIT_USAGE, say
from detente.tui.errors import UserError

if TYPE_CHECKING:
    from detente.engine.scenario import Inject, Scenario

#: The fields a column can fill, each with the headings read as it (compared lower-case, with
#: punctuation as spaces: "Inject No." is "inject no").
FIELDS: dict[str, tuple[str, ...]] = {
    "sequence": ("sequence", "seq", "serial", "serial no", "serial number", "no", "number", "#",
                 "inject no", "inject number", "inject #", "event no", "msel no", "msel number"),
    "id": ("id", "inject id", "event id", "msel id"),
    "turn": ("turn", "time", "scenario time", "game time", "exercise time", "day", "move", "round",
             "delivery time"),
    "phase": ("phase", "delivery phase"),
    "condition": ("condition", "trigger", "when"),
    "from": ("from", "sender", "source", "originator", "sent by", "simulated sender"),
    "to": ("to", "recipient", "recipients", "addressee", "addressees", "player", "players",
           "audience", "receiving team"),
    "method": ("method", "delivery method", "delivery", "means", "mode", "medium"),
    "title": ("title", "headline", "subject", "event title", "inject title"),
    "text": ("inject", "inject text", "text", "message", "description", "event description",
             "inject description", "content", "details", "event"),
    "expected": ("expected player action", "expected player actions", "expected action",
                 "expected actions", "expected response", "expected outcome", "player action",
                 "expected"),
    "expect_id": ("expectation id", "expected action id"),
    "within": ("within", "deadline", "response time", "time to respond"),
    "objective": ("objective", "objectives", "learning objective", "exercise objective"),
    "capability": ("capability", "capabilities", "core capability", "target capability"),
    "notes": ("controller notes", "controller note", "notes", "facilitator notes", "remarks",
              "comments"),
    "ignore": (),
}

#: The headings an export writes, in order; an import reads them back.
HEADINGS: dict[str, str] = {
    "sequence": "Sequence", "id": "ID", "turn": "Turn", "phase": "Phase", "condition": "Condition",
    "from": "From", "to": "To", "method": "Method", "title": "Title", "text": "Inject",
    "expected": "Expected Player Action", "expect_id": "Expectation ID", "within": "Within",
    "objective": "Objective", "capability": "Capability", "notes": "Controller Notes",
}

EVERYONE = ("all", "everyone", "all teams", "all players", "all actors", "everybody")
TURN_WORDS = ("turn", "t", "day", "move", "round", "session")
TITLE_LENGTH = 80
_ID_CHARS = re.compile(r"[^A-Za-z0-9_-]+")


def heading_key(heading: str) -> str:
    """A heading as it is compared: lower-case, punctuation as spaces (``Inject No.`` → ``inject no``)."""
    return " ".join(re.sub(r"[^\w#]+", " ", heading.casefold()).split())


_SYNONYMS = {heading_key(h): f for f, hs in FIELDS.items() for h in hs}


# -- reading a sheet ---------------------------------------------------------------------------


def read_sheet(path: str) -> list[tuple[int, list[str]]]:
    """The sheet's non-empty rows with their spreadsheet row numbers (1 is the heading).

    A ``.xlsx`` file is read as a workbook (:func:`read_workbook`). A CSV is UTF-8 with or
    without a byte-order mark (Excel's "CSV UTF-8"), else Windows-1252 (Excel's plain "CSV");
    the delimiter (comma, semicolon, tab) is sniffed."""
    if path.lower().endswith(".xlsx"):
        return read_workbook(path)
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    try:
        delimiter = csv.Sniffer().sniff(text[:16384], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [(n, row) for n, row in enumerate(reader, start=1) if any(c.strip() for c in row)]


def _cell_text(value: Any) -> str:
    """A workbook cell as the sheet shows it: text as is, 3.0 as ``3``, a date as ``YYYY-MM-DD``."""
    import datetime

    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def read_workbook(path: str) -> list[tuple[int, list[str]]]:
    """The first worksheet of an Excel workbook, as :func:`read_sheet` gives a CSV's rows.
    Raises :class:`~detente.tui.errors.UserError` for a file that is not a workbook."""
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UserError(f"{path}: not an Excel workbook that can be read ({exc})") from None
    try:
        sheet = book.worksheets[0]
        rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    return [(n, row) for n, row in enumerate(rows, start=1) if any(c.strip() for c in row)]


def workbook_bytes(rows: list[list[str]]) -> bytes:
    """``rows`` (the heading first) as an Excel workbook of one worksheet, ``MSEL``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "MSEL"
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@dataclass
class Problem:
    """A cell that could not be read."""

    row: int
    column: str
    why: str

    def show(self, sheet: str) -> str:
        return f"{sheet}:{self.row}: {self.column}: {self.why}"


def parse_maps(maps: Sequence[str]) -> dict[str, str]:
    """``--map "Heading=field"`` options as heading key → field; a bad one is a UserError."""
    out = {}
    for m in maps:
        heading, sep, name = m.rpartition("=")
        name = name.strip().casefold().replace("-", "_")
        name = {"expected_action": "expected", "inject": "text", "order": "sequence",
                "controller_notes": "notes", "when": "condition"}.get(name, name)
        if not sep or not heading.strip():
            raise UserError(f"--map {m}: write it as 'Heading=field'")
        if name not in FIELDS:
            raise UserError(f"--map {m}: '{name}' is not a field; one of {', '.join(FIELDS)}")
        out[heading_key(heading)] = name
    return out


def map_columns(headings: list[str], maps: dict[str, str]) -> tuple[dict[str, int], list[Problem], list[str]]:
    """Which column fills which field, the problems with the heading row, and the columns not read."""
    columns: dict[str, int] = {}
    problems, unread = [], []
    keys = [heading_key(h) for h in headings]
    for key in maps:
        if key not in keys:
            problems.append(Problem(1, key, f"--map names a heading the sheet does not have "
                                            f"(it has: {', '.join(h for h in headings if h.strip())})"))
    for i, (h, key) in enumerate(zip(headings, keys, strict=True)):
        name = maps.get(key) or _SYNONYMS.get(key)
        if name == "ignore" or (not name and not key):
            continue
        if not name:
            unread.append(h)
        elif name in columns:
            problems.append(Problem(1, h, f"also means {name}, as '{headings[columns[name]]}' does; "
                                          f"--map '{h}=ignore' or map it to another field"))
        else:
            columns[name] = i
    if "text" not in columns:
        problems.append(Problem(1, "(headings)", "no column of inject text (Inject, Text, Message, "
                                                 "Description …); --map 'Your Heading=text'"))
    if "turn" not in columns and "condition" not in columns:
        problems.append(Problem(1, "(headings)", "no column saying when an inject arrives (Turn, "
                                                 "Time, Day …); --map 'Your Heading=turn'"))
    return columns, problems, unread


# -- from rows to injects ----------------------------------------------------------------------


@dataclass
class Planned:
    """An inject a row became, as the TOML tables it will be written as."""

    row: int
    key: tuple[int, ...]
    inject: dict[str, Any]
    expect: list[dict[str, Any]] = field(default_factory=list)


def title_of(text: str) -> str:
    """A title from an inject's text: its first sentence, cut to a line."""
    first = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0].strip()
    first = " ".join(first.split())
    if len(first) > TITLE_LENGTH:
        first = first[: TITLE_LENGTH - 1].rsplit(" ", 1)[0] + "…"
    return first


def with_sender(text: str, sender: str, method: str) -> str:
    """The text players read, opened by who sent it and how."""
    head = ([f"From: {sender}"] if sender else []) + ([f"Via: {method}"] if method else [])
    return "\n".join(head) + ("\n\n" if head else "") + text


def split_sender(text: str) -> tuple[str, str, str]:
    """(sender, method, text): :func:`with_sender` undone."""
    m = re.match(r"(?:From: (?P<f>[^\n]*)\n)?(?:Via: (?P<v>[^\n]*)\n)?\n", text)
    if not m or not (m["f"] or m["v"]):
        return "", "", text
    return m["f"] or "", m["v"] or "", text[m.end():]


class Reader:
    """Turns a sheet's rows into injects for one scenario."""

    def __init__(self, scenario: Scenario, columns: dict[str, int], headings: list[str]) -> None:
        self.scenario, self.columns, self.headings = scenario, columns, headings
        self.ids = {i.id for i in scenario.injects}
        self.objectives = list(scenario.scenario.learning_objectives)
        self.problems: list[Problem] = []
        self.planned: list[Planned] = []
        t = scenario.turns
        self.turn_names = {t.name(n).casefold(): n for n in range(1, t.limit + 1)}
        prefix = t.label.split("{turn}")[0].strip().casefold()
        self.turn_words = (*TURN_WORDS, prefix) if prefix else TURN_WORDS
        self.teams = {k.casefold(): a.id for a in scenario.actors for k in (a.id, a.name)}

    def cell(self, row: list[str], name: str) -> str:
        i = self.columns.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    def bad(self, n: int, name: str, why: str) -> None:
        self.problems.append(Problem(n, self.headings[self.columns[name]], why))

    def turn(self, n: int, value: str) -> int | None:
        v = " ".join(value.split()).casefold()
        found = self.turn_names.get(v)
        if found is None:  # "D-2" for "D-2 (Monday)": a label's start, if only one label has it
            starts = [k for name, k in self.turn_names.items() if name.startswith(v + " ")]
            found = starts[0] if len(starts) == 1 else None
        if found is None:
            m = re.fullmatch(r"([a-z]*)\s*\+?\s*(\d+)", v)
            if m and (not m[1] or m[1] in self.turn_words):
                found = int(m[2])
        limit = self.scenario.turns.limit
        if found is None or not 1 <= found <= limit:
            names = self.scenario.turns
            self.bad(n, "turn", f"'{value}' is not a turn of this scenario ({names.name(1)} to "
                                f"{names.name(limit)}, or 1 to {limit})")
            return None
        return found

    def addressees(self, n: int, value: str) -> list[str] | None:
        if not value or value.casefold() in EVERYONE:
            return []
        parts = [value] if value.casefold() in self.teams else re.split(r"\s*(?:[,;/&+]|\band\b)\s*", value)
        out: list[str] = []
        unknown: list[str] = []
        for p in filter(None, parts):
            (out if p.casefold() in self.teams else unknown).append(self.teams.get(p.casefold(), p))
        if unknown:
            known = ", ".join(f"{a.name} ({a.id})" for a in self.scenario.actors)
            self.bad(n, "to", f"{', '.join(repr(u) for u in unknown)}: not a team of this scenario "
                              f"({known}, or all)")
            return None
        return list(dict.fromkeys(out))

    def objective(self, n: int, value: str) -> int | str | None:
        """The number of an existing learning objective, or the text of a new one (numbered
        when the rows to write are known: see :func:`number_objectives`)."""
        m = re.fullmatch(r"(?:lo|objective|learning objective|#)?\s*(\d+)", value.casefold())
        if m:
            k = int(m[1])
            if not 1 <= k <= len(self.objectives):
                self.bad(n, "objective", f"there is no learning objective {k} (the scenario has "
                                         f"{len(self.objectives)})")
                return None
            return k
        words = " ".join(value.split()).casefold()
        for k, text in enumerate(self.objectives, start=1):
            if " ".join(text.split()).casefold() == words:
                return k
        return value

    def within(self, n: int, value: str) -> tuple[int, str] | None:
        m = re.fullmatch(r"(\d+)\s*(turns?|phases?)?", value.casefold())
        if not m or int(m[1]) < 1:
            self.bad(n, "within", f"'{value}': write a number of turns (2) or phases (3 phases)")
            return None
        return int(m[1]), "phases" if (m[2] or "").startswith("phase") else "turns"

    def expectation(self, n: int, row: list[str], inject_id: str, k: int) -> dict[str, Any] | None:
        e: dict[str, Any] = {"id": self.cell(row, "expect_id") or
                             (f"{inject_id}-expected" + (f"-{k}" if k > 1 else "")),
                             "text": self.cell(row, "expected")}
        if not re.fullmatch(r"[A-Za-z0-9_-]+", e["id"]):
            self.bad(n, "expect_id", f"'{e['id']}' is not an id (letters, digits, - and _)")
            return None
        if w := self.cell(row, "within"):
            got = self.within(n, w)
            if got is None:
                return None
            e["within"] = got[0]
            if got[1] != "turns":
                e["unit"] = got[1]
        if o := self.cell(row, "objective"):
            k_ = self.objective(n, o)
            if k_ is None:
                return None
            e["objective"] = k_
        if c := self.cell(row, "capability"):
            e["capability"] = c
        return e

    def read(self, n: int, row: list[str]) -> None:
        before = len(self.problems)
        text = self.cell(row, "text")
        if not text:
            if self.cell(row, "expected"):
                self.further(n, row)
            else:
                self.bad(n, "text", "empty: every inject needs its text")
            return
        seq = self.cell(row, "sequence")
        inject_id = self.cell(row, "id") or (f"msel-{_ID_CHARS.sub('-', seq).strip('-')}"
                                             if seq.strip("-. ") else f"msel-row{n}")
        where = "id" if "id" in self.columns and self.cell(row, "id") else (
            "sequence" if "sequence" in self.columns else "text")
        if not re.fullmatch(r"[A-Za-z0-9_-]+", inject_id):
            self.bad(n, where, f"'{inject_id}' is not an id (letters, digits, - and _)")
        elif inject_id in self.ids:
            earlier = next((p.row for p in self.planned if p.inject["id"] == inject_id), None)
            self.bad(n, where, f"an inject '{inject_id}' is already "
                               + (f"in row {earlier}" if earlier else "in the scenario; remove it there "
                                  "or give the row another id"))
        inj: dict[str, Any] = {"id": inject_id,
                               "title": self.cell(row, "title") or title_of(text)}
        turn, when = self.cell(row, "turn"), self.cell(row, "condition")
        if turn and when:
            self.bad(n, "condition", "a row has either a turn or a condition, not both")
        elif when:
            inj["when"] = when
        elif not turn:
            self.bad(n, "turn" if "turn" in self.columns else "condition",
                     "empty: say when the inject arrives")
        elif (t := self.turn(n, turn)) is not None:
            inj["turn"] = t
        if phase := self.cell(row, "phase").casefold():
            from detente.engine.checks import INJECT_PHASES

            found = [p for p in INJECT_PHASES if p.startswith(phase)]
            if len(found) != 1:
                self.bad(n, "phase", f"'{phase}': one of {', '.join(INJECT_PHASES)}")
            elif found[0] != "briefing":
                inj["phase"] = found[0]
        to = self.addressees(n, self.cell(row, "to"))
        if to:
            inj["to"] = to
        inj["text"] = with_sender(text, self.cell(row, "from"), self.cell(row, "method"))
        if notes := self.cell(row, "notes"):
            inj["notes"] = notes
        planned = Planned(n, tuple(int(d) for d in re.findall(r"\d+", seq)), inj)
        if self.cell(row, "expected"):
            e = self.expectation(n, row, inject_id, 1)
            if e is not None:
                planned.expect.append(e)
        self.ids.add(inject_id)
        if len(self.problems) == before:
            self.planned.append(planned)
        else:
            self.planned.append(Planned(n, (), {"id": inject_id, "broken": True}))

    def further(self, n: int, row: list[str]) -> None:
        """A row with only an expected action: one more expectation of the inject above."""
        if not self.planned:
            self.bad(n, "text", "empty: every inject needs its text")
            return
        last = self.planned[-1]
        if last.inject.get("broken"):
            self.bad(n, "expected", f"adds to the inject of row {last.row}, which could not be read")
            return
        if (given := self.cell(row, "id")) and given != last.inject["id"]:
            self.bad(n, "text", "empty: every inject needs its text")
            return
        e = self.expectation(n, row, last.inject["id"], len(last.expect) + 1)
        if e is not None:
            last.expect.append(e)

    def good(self) -> list[Planned]:
        """The injects read, in the order of their sequence numbers where every row has one."""
        out = [p for p in self.planned if not p.inject.get("broken")]
        if out and all(p.key for p in out):
            out.sort(key=lambda p: p.key)
        return out


# -- writing the scenario ------------------------------------------------------------------------


def number_objectives(planned: list[Planned], existing: Sequence[str]) -> list[str]:
    """Give each new learning objective the rows name its number after the existing ones (once,
    however many rows name it); returns the new ones in order."""
    new: list[str] = []
    for p in planned:
        for e in p.expect:
            o = e.get("objective")
            if isinstance(o, str):
                key = " ".join(o.split()).casefold()
                found = next((k for k, t in enumerate(new) if " ".join(t.split()).casefold() == key), None)
                if found is None:
                    new.append(o)
                    found = len(new) - 1
                e["objective"] = len(existing) + found + 1
    return new


def add_to_toml(text: str, planned: list[Planned], objectives: list[str], sheet: str) -> str:
    """The scenario's TOML text with the injects (and new learning objectives) added; the rest
    of the file, comments and layout included, is kept as it was."""
    import tomlkit

    doc = tomlkit.parse(text)
    if objectives:
        table = doc["scenario"]
        assert isinstance(table, dict)
        if "learning_objectives" not in table:
            table["learning_objectives"] = tomlkit.array()
        arr = table["learning_objectives"]
        arr.extend(objectives)
        arr.multiline(True)
    if "injects" not in doc:
        doc.append("injects", tomlkit.aot())
    aot = doc["injects"]
    for p in planned:
        t = tomlkit.table()
        t.add(tomlkit.comment(f"from {Path(sheet).name} row {p.row}"))
        for k, v in p.inject.items():
            t[k] = tomlkit.string(v, multiline=True) if isinstance(v, str) and "\n" in v else v
        if p.expect:
            expect = tomlkit.aot()
            for e in p.expect:
                et = tomlkit.table()
                for k, v in e.items():
                    et[k] = v
                et.add(tomlkit.nl())
                expect.append(et)
            t["expect"] = expect
        else:
            t.add(tomlkit.nl())
        aot.append(t)
    return tomlkit.dumps(doc)


def describe(p: Planned, scenario: Scenario, objectives: list[str]) -> str:
    """What a row became, in a line or two."""
    i = p.inject
    names = {a.id: a.name for a in scenario.actors}
    when = (f"{scenario.turns.name(i['turn'])}, {i.get('phase', 'briefing')}" if "turn" in i
            else f"when {i['when']}")
    to = ", ".join(names[t] for t in i.get("to", ())) or "everyone"
    out = f"row {p.row}: {i['id']} “{i['title']}” · {when} · to {to}"
    if i.get("notes"):
        out += " · controller notes kept for the facilitator"
    for e in p.expect:
        extra = [f"objective {e['objective']}" + (" (new)" if objectives[e["objective"] - 1]
                                                   not in scenario.scenario.learning_objectives else "")
                 ] if "objective" in e else []
        extra += [f"capability {e['capability']}"] if "capability" in e else []
        extra += [f"within {e['within']} {e.get('unit', 'turns')}"] if "within" in e else []
        out += f"\n    expects “{e['text']}”" + (f" ({'; '.join(extra)})" if extra else "")
    return out


def checked(
    text: str, good: list[Planned], scenario: Scenario, names: tuple[str, str], reader: Reader,
) -> tuple[str, list[Planned], list[str]]:
    """The scenario file's new text, the injects in it and every learning objective after.

    The whole file is checked as a session would load it; an added inject the check refuses (a
    condition that does not parse) is a problem of its row, left out, and the text built again."""
    import copy

    from detente.engine.loader import ScenarioError, load_scenario_text

    sheet, into = names
    existing = scenario.scenario.learning_objectives
    while True:
        planned = copy.deepcopy(good)
        new = number_objectives(planned, existing)
        new_text = add_to_toml(text, planned, new, sheet)
        try:
            load_scenario_text(new_text, into)
        except ScenarioError as exc:
            rows_of = {len(scenario.injects) + k: p for k, p in enumerate(good)}
            dropped, others = set(), []
            for pr in exc.problems:
                m = re.match(r"injects\[(\d+)\]\.?(\w*)", pr.field)
                p = rows_of.get(int(m[1])) if m else None
                if p is None or m is None:
                    others.append(Problem(0, pr.field, str(pr)))
                    continue
                name = {"when": "condition", "expect": "expected"}.get(m[2], m[2])
                col = reader.headings[reader.columns[name]] if name in reader.columns else m[2] or "(row)"
                reader.problems.append(Problem(p.row, col, pr.message))
                dropped.add(p.row)
            if dropped:
                good = [p for p in good if p.row not in dropped]
                continue
            reader.problems += others
        return new_text, planned, [*existing, *new]


def shout(*lines: str) -> None:
    """Lines to stdout, if there are any."""
    if lines:
        say(*lines)


def cmd_import(args: argparse.Namespace) -> int:
    from detente.tui.cli.common import load
    from detente.tui.render.output import check_output, write_output

    sheet, into = args.sheet, args.into
    if not Path(into).is_file():
        raise UserError(f"--into {into}: no such scenario file")
    check_output(into, overwrite=True)  # never a log
    scenario = load(Path(into))
    rows = read_sheet(sheet)
    if not rows:
        raise UserError(f"{sheet}: the sheet is empty")
    (_, headings), body = rows[0], rows[1:]
    columns, problems, unread = map_columns(headings, parse_maps(args.map))
    if problems:
        say(*(p.show(sheet) for p in problems))
        return EXIT_ERROR
    reader = Reader(scenario, columns, headings)
    for n, row in body:
        reader.read(n, row)
    text = Path(into).read_text(encoding="utf-8-sig")
    new_text, good, objectives = checked(text, reader.good(), scenario, (sheet, into), reader)
    if args.dry_run or (reader.problems and not args.skip_bad):
        if args.dry_run:
            shout(*(describe(p, scenario, objectives) for p in good))
            if unread:
                say(f"columns not read: {', '.join(unread)} (--map 'Heading=field' to read one)")
        broken = sorted({p.row for p in reader.problems})
        shout(*(p.show(sheet) if p.row else p.why for p in reader.problems))
        say(f"{len(good)} inject{'s' * (len(good) != 1)} read" +
            (f", {len(broken)} row{'s' * (len(broken) != 1)} could not be" if broken else "") +
            ("; nothing was written (a dry run)" if args.dry_run else
             "; nothing was written (--skip-bad writes the others)"))
        return EXIT_ERROR if reader.problems else EXIT_OK
    if any(p.row == 0 for p in reader.problems):
        say(*(p.why for p in reader.problems if p.row == 0))
        return EXIT_ERROR
    shout(*(p.show(sheet) for p in reader.problems))
    write_output(into, new_text, overwrite=True)
    say(f"{into}: {len(good)} inject{'s' * (len(good) != 1)} added from {sheet}" +
        (f"; {len(reader.problems)} problem(s) above, those rows skipped" if reader.problems else ""))
    return EXIT_OK


# -- export ------------------------------------------------------------------------------------


def export_rows(scenario: Scenario) -> tuple[list[list[str]], list[str]]:
    """The MSEL of a scenario's injects (heading row first) and what it could not carry."""
    fields = list(HEADINGS)
    out, lost = [list(HEADINGS.values())], []
    los = scenario.scenario.learning_objectives
    for seq, inj in enumerate(scenario.injects, start=1):
        sender, method, text = split_sender(inj.text)
        row = dict.fromkeys(fields, "")
        row.update(sequence=str(seq), id=inj.id, title=inj.title, text=text, phase=inj.phase,
                   to=", ".join(inj.to), notes=getattr(inj, "notes", ""), method=method,
                   condition=inj.when or "", turn=scenario.turns.name(inj.turn) if inj.turn else "")
        row["from"] = sender
        lost += _lost(inj)
        expects = list(getattr(inj, "expect", ())) or [None]
        for k, e in enumerate(expects):
            if k:
                row = dict.fromkeys(fields, "") | {"sequence": str(seq), "id": inj.id}
            if e is not None:
                row.update(expected=e.text, expect_id=e.id, capability=e.capability or "",
                           objective=los[e.objective - 1] if e.objective else "",
                           within="" if (e.within, e.unit) == (1, "turns") else
                           f"{e.within}" + (" phases" if e.unit == "phases" else ""))
                if e.when:
                    lost.append(f"{inj.id}: expectation {e.id}: its machine check (when)")
                if e.who and tuple(e.who) != tuple(inj.to):
                    lost.append(f"{inj.id}: expectation {e.id}: its teams (who)")
            out.append([row[f] for f in fields])
    return out, lost


def _lost(inj: Inject) -> list[str]:
    lost = []
    if inj.effects:
        lost.append(f"{inj.id}: its {len(inj.effects)} effect(s)")
    if inj.incident:
        lost.append(f"{inj.id}: its scripted incident")
    if inj.repeat:
        lost.append(f"{inj.id}: repeat = true")
    return lost


def cmd_export(args: argparse.Namespace) -> int:
    from detente.tui.cli.common import err, load, resolve_scenario
    from detente.tui.render.output import write_output

    scenario = load(resolve_scenario(args.scenario))
    rows, lost = export_rows(scenario)
    buf = io.StringIO(newline="")
    csv.writer(buf).writerows(rows)
    for what in lost:
        err(f"not in the MSEL: {what}")
    if args.output and args.output.lower().endswith(".xlsx"):
        write_output(args.output, workbook_bytes(rows), overwrite=True)
    elif args.output and args.output != "-":
        # With a byte-order mark: Excel reads UTF-8 as such only then.
        write_output(args.output, "\ufeff" + buf.getvalue(), overwrite=True)
    else:
        sys.stdout.write(buf.getvalue())
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``msel import`` and ``msel export``."""
    p = sub.add_parser(
        "msel",
        help="injects from a spreadsheet (a Master Scenario Events List, CSV or XLSX) and back",
        description="Add injects from a Master Scenario Events List (CSV or .xlsx) to a scenario, or "
        "write a scenario's injects as one. See docs/authoring.md, 'Injects from a spreadsheet: MSEL'.",
    )

    def usage(_args: argparse.Namespace) -> int:
        p.print_help()
        return EXIT_USAGE

    p.set_defaults(func=usage)
    verbs = p.add_subparsers(dest="verb", metavar="import|export")
    im = verbs.add_parser(
        "import",
        help="add a sheet's rows to a scenario as injects",
        description="Add each row of SHEET.csv to SCENARIO.toml as an inject (with its expected "
        "player action as an expectation), keeping the file's comments and layout. A row that "
        "cannot be read is reported as SHEET:ROW: COLUMN: why and nothing is written (exit 1), "
        "unless --skip-bad.",
    )
    im.add_argument("sheet", metavar="SHEET",
                    help="the MSEL: CSV (comma, semicolon or tab) or an Excel workbook (.xlsx)")
    im.add_argument("--into", required=True, metavar="SCENARIO.toml", help="the scenario file to add to")
    im.add_argument(
        "--map", action="append", default=[], metavar="HEADING=FIELD",
        help="read the column HEADING as FIELD (" + ", ".join(FIELDS) + "); repeatable",
    )
    im.add_argument("--dry-run", action="store_true",
                    help="print what each row would become and every problem; write nothing")
    im.add_argument("--skip-bad", action="store_true",
                    help="write the rows that could be read, and list the others")
    im.set_defaults(func=cmd_import)
    ex = verbs.add_parser(
        "export",
        help="write a scenario's injects as an MSEL (CSV, or XLSX with -o FILE.xlsx)",
        description="Write SCENARIO's injects as an MSEL with the standard headings; "
        "`detente msel import` reads it back.",
    )
    ex.add_argument("scenario", metavar="SCENARIO", help="a scenario file or a bundled scenario's name")
    ex.add_argument("-o", "--output", metavar="FILE",
                    help="write it to FILE, a workbook if it ends in .xlsx (default: print the CSV)")
    ex.set_defaults(func=cmd_export)
