"""``detente new NAME``: write a commented starter scenario that validates, lints clean and plays.

The file is built from the templates below (``string.Template``, so TOML's own braces need no
escaping): a header, one block per actor, region and force, the pairs, then injects, objectives
and an ending that name the first two actors — the pair the crisis is about.
"""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path
from string import Template

MIN_ACTORS, MAX_ACTORS = 2, 8

# (id, name, colour): fictional states, in the order they are added.
ACTORS = (
    ("blue", "Azuria", "blue"),
    ("red", "Corvania", "red"),
    ("green", "Lysmark", "green"),
    ("yellow", "Sundland", "yellow"),
    ("purple", "Arvel", "purple"),
    ("cyan", "Tolvania", "cyan"),
    ("orange", "Quessa", "orange"),
    ("grey", "Maraveth", "grey"),
)

HEADER = Template('''\
# $title — a starter scenario written by `detente new`. Change everything in it.
#
# Every table and field is explained in docs/authoring.md ("Reference: every table and
# field"). After each change, check the file, then try it:
#
#   detente validate --strict $file    errors and warnings, with file and line
#   detente play $file                 a facilitated session in the terminal
#
# For completion and checking as you type (Taplo, Even Better TOML in VS Code), save the
# schema beside this file with `detente schema -o scenario.schema.json` and put the line
# "#:schema ./scenario.schema.json" at the very top of this file (docs/authoring.md,
# "Editor support").
#
# Text goes in "quotes"; long text in """triple quotes""" (a backslash at the end of a
# line joins it to the next). Lines starting with # are comments.

[scenario]
# The id: letters, digits, - and _; it names the scenario in logs and reports.
id = "$id"
title = "$title"
summary = "$summary"
author = ""
version = "1"             # your own version of this file: text, not a number
seed = 1                  # the dice; `--seed N` on the command line overrides it
# The public briefing: every team and observer reads it at the start.
briefing = """
A dispute over the border district between $name1 and $name2 has \\
flared up. Both have moved troops closer "for exercises". A hotline between the two \\
defence ministries exists, but has never been used in a crisis.
$others
The exercise runs for up to six days. Each day: news, then calls and proposals, then \\
sealed orders, then the results.
"""

[turns]
limit = 6                 # at most this many turns (1–200)
label = "Day {turn}"      # how a turn is named; {turn} is its number

[rules]
name = "defense-diplomacy"   # the bundled ruleset: what each move does (docs/rules.md)
# To change one of the ruleset's numbers for this scenario only, uncomment and edit:
# [rules.overrides.incidents]
# base = 0.04             # incidents twice as likely in these crowded waters

# ------------------------------------------------------------------ actors
# One per team. The order is the order in which their moves are resolved. The briefing
# of an actor is private: only its team (and the facilitator) ever sees it.
''')

ACTOR = Template('''
[[actors]]
id = "$id"
name = "$name"
# The team's colour in the terminal: a colour name or "#rrggbb".
colour = "$colour"
budget = 3                  # actions per turn (1–20)
readiness = 1               # 0 peacetime … 4 war footing
pressure = 30               # domestic pressure, 0–100
briefing = """
$secret
"""
''')

SECRETS = {
    0: "Your aim: end the crisis without losing face. Privately, your cabinet will accept "
       "a joint incidents agreement if the other side calls first.",
    1: "Your aim: show that the border district is yours. Privately, you do not want a "
       "war: a clash would cost you your trade routes.",
}
THIRD_PARTY_SECRET = ("You are not a party to the dispute. Privately, you fear being drawn in: "
                      "keep your own relations calm.")

ALLIANCE = Template('''
# ------------------------------------------------------------------ alliances
# Optional. An alliance's cohesion (0–100) is tracked; below the ruleset's floor it fractures.

[[alliances]]
id = "pact"
name = "Northern Pact"
members = ["$a", "$c"]
cohesion = 70
''')

REGIONS = '''
# ------------------------------------------------------------------ regions
# Places forces can go. `near` lists the actors a region borders: another actor's force
# there raises force proximity (and the risk of incidents) with each of them.
'''

REGION = Template('''
[[regions]]
id = "$id"
name = "$name"
near = [$near]
description = "$description"
''')

FORCES = '''
# ------------------------------------------------------------------ forces
# Units a team can deploy (2 actions) and withdraw. Each starts at its home region.
'''

FORCE = Template('''
[[forces]]
id = "$id"
owner = "$owner"
home = "$home"
kind = "ground"             # naval, air, ground or any word you like
name = "$name"
''')

RELATIONS = Template('''
# ------------------------------------------------------------------ relations
# Starting values between two actors. Pairs you leave out start from the ruleset's
# [defaults] (rules/defense_diplomacy.toml). trust, threat, information and answer hold
# both ways unless [relations.seen_by.ACTOR] gives one side its own view.

[[relations]]
between = ["$a", "$b"]
tension = 40                # 0–100; the escalation rung is tension ÷ 10
proximity = 1               # 0–5: how close the two sides' forces already are
hotline = true              # a direct channel exists
agreement = false           # no incidents-at-sea style agreement (yet)
trust = 35                  # 0–100
threat = 40                 # 0–100: threat each perceives from the other
information = 0.5           # 0–1: how well each knows what the other does

  # $name2 often leaves $name1's calls unanswered.
  [relations.seen_by.$a]
  answer = 0.5              # 0–1: the chance that $b answers a call from $a
''')

ALLY_RELATION = Template('''
[[relations]]
between = ["$a", "$c"]
tension = 5
trust = 75
threat = 5
information = 0.8
''')

INJECTS = Template('''
# ------------------------------------------------------------------ injects
# Scheduled injects arrive at a turn (and phase); conditional ones fire when their `when`
# becomes true, checked at each briefing. `to` makes one private; effects change values.

[[injects]]
id = "border-incident"
turn = 1
title = "Shots fired over the border district"
text = """Border guards of both sides exchanged warning shots last night. Each government \\
blames the other."""

  [[injects.effects]]
  value = "tension"
  of = ["$a", "$b"]
  add = 5

[[injects]]
id = "intelligence-report"
turn = 2
# Only $name1's team reads this one.
to = ["$a"]
title = "Intelligence: $name2 is moving reserves"
text = """Your intelligence service reports reserve units moving towards the border \\
district. It cannot say whether they are there to attack or to defend."""

  # A directed value: the threat $name1 perceives from $name2.
  [[injects.effects]]
  value = "threat"
  of = ["$a", "$b"]
  add = 5

[[injects]]
id = "talks-offer"
when = "answered('$a', '$b') or answered('$b', '$a')"
title = "A neutral mediator offers an incidents agreement"
text = """Having heard that the two sides have spoken on the hotline, a neutral mediator \\
tables an agreement on how their forces behave when they meet. Both sign."""

  [[injects.effects]]
  value = "agreement"
  of = ["$a", "$b"]
  set = true

[[injects]]
id = "street-protests"
when = "rung('$a', '$b') >= 6"
title = "Crowds demand a firm line"
text = """Demonstrators in both capitals call for a firm line on the border."""

  [[injects.effects]]
  value = "pressure"
  of = ["$a"]
  add = 5

  [[injects.effects]]
  value = "pressure"
  of = ["$b"]
  add = 5

# ------------------------------------------------------------------ objectives
# What each team tries to achieve; scored at the end. check = "end" (true at the end),
# "ever" (true after any turn) or "always" (true after every turn).
''')

OBJECTIVES = Template('''
[[objectives]]
id = "$a-calm"
actor = "$a"
text = "End the exercise below Political crisis (rung 4)."
when = "rung('$a', '$b') < 4"
check = "end"
points = 2

[[objectives]]
id = "$a-channel"
actor = "$a"
text = "Have a hotline call answered by $name2."
when = "answered('$a', '$b')"
check = "ever"

[[objectives]]
id = "$b-presence"
actor = "$b"
text = "Have your forces in the border district at least once."
when = "forces_in('$b', 'border') >= 1"
check = "ever"
points = 2

[[objectives]]
id = "$b-no-war"
actor = "$b"
text = "Never reach the Brink (rung 7)."
when = "rung('$a', '$b') < 7"
check = "always"
''')

THIRD_OBJECTIVE = Template('''
[[objectives]]
id = "$c-calm"
actor = "$c"
text = "End the exercise with your own tensions below 40."
when = "tension('$c', '$a') < 40 and tension('$c', '$b') < 40"
check = "end"
''')

ALLY_OBJECTIVE = Template('''
[[objectives]]
id = "$c-pact"
actor = "$c"
text = "Keep the Northern Pact's cohesion at 60 or above to the end."
when = "cohesion('pact') >= 60"
check = "end"
''')

ENDINGS = Template('''
# ------------------------------------------------------------------ endings
# Ways this scenario can end early, beyond the ruleset's own (open conflict at rung 9,
# de-escalation, an alliance fracturing) and the turn limit.

[[endings]]
id = "agreement-holds"
when = "agreement('$a', '$b') and tension('$a', '$b') < 30"
outcome = "de-escalation"
reason = "An incidents agreement is in force and tension has fallen: both sides stand down."
''')


NUMBERS = ("", "one", "two", "three", "four", "five", "six", "seven", "eight")


def summary(actors: int) -> str:
    """The starter's one-line summary, which counts its actors as the file has them.

    >>> summary(5)[:60]
    'Five states: two rivals over a disputed border, an ally of o'
    """
    if actors == 2:
        return "Two rivals, a disputed border and a hotline nobody trusts yet."
    parts = ["two rivals over a disputed border", "an ally of one"]
    if actors == 4:
        parts.append("a wary neighbour")
    elif actors > 4:
        parts.append(f"{NUMBERS[actors - 3]} wary neighbours")
    return f"{NUMBERS[actors].capitalize()} states: {', '.join(parts)} and a hotline nobody trusts yet."


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def others(chosen: tuple[tuple[str, str, str], ...]) -> str:
    """The public briefing's paragraph on the actors beyond the two rivals ("" for none)."""
    if len(chosen) < 3:
        return ""
    text = (f"{chosen[2][1]}, allied with {chosen[0][1]} in the Northern Pact, is expected to "
            "stand by its ally.")
    if rest := [name for _, name, _ in chosen[3:]]:
        verb = "watches" if len(rest) == 1 else "watch"
        text += f" {_and(rest)} {verb} from nearby, fearing to be drawn in."
    return "\n" + _wrap(text) + "\n"


def starter(title: str, scenario_id: str, file: str, actors: int) -> str:
    """The starter scenario's TOML text for ``actors`` actors (2–8)."""
    chosen = ACTORS[:actors]
    (a, name1, _), (b, name2, _) = chosen[0], chosen[1]
    names = {"a": a, "b": b, "name1": name1, "name2": name2}
    out = [HEADER.substitute(title=title, id=scenario_id, file=file, summary=summary(actors),
                             others=others(chosen), **names)]
    for i, (aid, name, colour) in enumerate(chosen):
        brief = f"You are {name}'s crisis cell. {SECRETS.get(i, THIRD_PARTY_SECRET)}"
        out.append(ACTOR.substitute(id=aid, name=name, colour=colour, secret=_wrap(brief)))
    if actors >= 3:
        out.append(ALLIANCE.substitute(a=a, c=chosen[2][0]))
    out.append(REGIONS)
    out.append(REGION.substitute(id="border", name="The border district", near=f'"{a}", "{b}"',
                                 description="The disputed district between the two rivals."))
    for aid, name, _ in chosen:
        out.append(REGION.substitute(id=f"{aid}-home", name=f"{name}: home garrisons",
                                     near=f'"{aid}"', description=f"{name}'s own territory."))
    out.append(FORCES)
    for aid, name, _ in chosen:
        out.append(FORCE.substitute(id=f"{aid}-brigade", owner=aid, home=f"{aid}-home",
                                    name=f"{name}: 1st Brigade"))
    out.append(RELATIONS.substitute(**names))
    if actors >= 3:
        out.append(ALLY_RELATION.substitute(a=a, c=chosen[2][0]))
    out.append(INJECTS.substitute(**names))
    out.append(OBJECTIVES.substitute(**names))
    for i, (aid, _, _) in enumerate(chosen[2:], start=2):
        template = ALLY_OBJECTIVE if i == 2 else THIRD_OBJECTIVE
        out.append(template.substitute(a=a, b=b, c=aid))
    out.append(ENDINGS.substitute(**names))
    return "".join(out)


def _wrap(text: str, width: int = 88) -> str:
    """Text broken into TOML continuation lines (a backslash joins each to the next)."""
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}" if line else w
    lines.append(line)
    return " \\\n".join(lines)


def target(name: str) -> Path:
    """``NAME.toml``, or ``NAME`` if it already ends in ``.toml``."""
    return Path(name if name.endswith(".toml") else f"{name}.toml")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``new`` subcommand."""
    p = subparsers.add_parser(
        "new",
        help="write a commented starter scenario that validates and plays",
        description="Write NAME.toml (or NAME, if it ends in .toml): a commented starter "
        "scenario with actors, their pairs, regions, forces, injects, objectives and an "
        "ending, that validates, lints clean and plays. It never overwrites a file.",
    )
    p.add_argument("name", metavar="NAME", help="the file to write (.toml is added if missing)")
    p.add_argument("--actors", type=int, default=2, metavar="N",
                   help=f"how many actors ({MIN_ACTORS}–{MAX_ACTORS}; default 2)")
    p.set_defaults(func=cmd_new)


def cmd_new(args: argparse.Namespace) -> int:
    """Write the starter; a mistake is one line and exit 1."""
    from detente.tui.errors import UserError
    from detente.tui.render.output import write_output

    if not MIN_ACTORS <= args.actors <= MAX_ACTORS:
        raise UserError(f"--actors {args.actors}: a starter has {MIN_ACTORS} to {MAX_ACTORS} actors")
    # Looked at before .toml is added, which would turn "adir/" into "adir/.toml" and "" into ".toml".
    if args.name.endswith(("/", os.sep)):
        raise UserError(f"{args.name} is a folder; give a file name, such as {args.name}harbour_dispute")
    path = target(args.name)
    if path.name == ".toml":
        raise UserError(f"{args.name!r}: give the scenario a name, such as harbour_dispute")
    stem = path.name.removesuffix(".toml")
    scenario_id = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-").lower() or "scenario"
    title = re.sub(r"[-_\s]+", " ", stem).strip().capitalize() or "New scenario"
    text = starter(title, scenario_id, str(path), args.actors)
    write_output(path, text, overwrite=False)  # never overwrite
    print(f"Wrote {path}: {args.actors} actors, 6 turns.")
    print(f"Check it with: detente validate --strict {path}")
    print(f"Play it with:  detente play {path}")
    return 0
