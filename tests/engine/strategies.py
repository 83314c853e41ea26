"""Hypothesis strategies for scenarios: every scenario drawn is valid (the loader accepts it)."""

from __future__ import annotations

from functools import cache
from itertools import combinations

from hypothesis import strategies as st

from detente.engine.checks import settable
from detente.engine.ruleset import find_ruleset
from detente.engine.scenario import (
    Actor,
    Alliance,
    Effect,
    Ending,
    Force,
    Inject,
    Meta,
    Objective,
    Region,
    Relation,
    Rules,
    Scenario,
    ScenarioTrack,
    Turns,
)
from detente.engine.tracks import Track

TRACKS = find_ruleset(Rules().name).tracks
"""The bundled ruleset's tracked values: what a scenario may give and an effect may change."""


@cache
def _overridable() -> dict[str, dict[str, dict]]:
    """Every ruleset number a scenario may override, with its type and range, read from the
    scenario JSON Schema (which takes them from the ruleset's declared ranges)."""
    from detente.engine.schema import scenario_schema

    overrides = scenario_schema()["properties"]["rules"]["properties"]["overrides"]["properties"]
    return {section: spec["properties"] for section, spec in overrides.items()}


def _number_in(prop: dict) -> st.SearchStrategy:
    kind = prop.get("type")
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(prop["minimum"], prop["maximum"])
    if kind == "number":
        lo, hi = prop["minimum"], prop["maximum"]
        return st.sampled_from([lo, hi]) | st.floats(lo, hi, allow_nan=False)
    if kind == "array":
        return st.lists(texts, min_size=prop["minItems"], max_size=prop["maxItems"])
    return texts


@st.composite
def rule_overrides(draw: st.DrawFn) -> dict[str, dict[str, object]]:
    """Overrides of any of the ruleset's numbers, anywhere in their declared ranges (ends
    included): whatever the schema allows, play must survive."""
    out = {}
    for section, props in _overridable().items():
        keys = draw(st.lists(st.sampled_from(sorted(props)), unique=True, max_size=len(props)))
        if keys:
            out[section] = {k: draw(_number_in(props[k])) for k in keys}
    return out


ids = st.from_regex(r"[a-z][a-z0-9_-]{0,7}", fullmatch=True)
texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=24)
colours = st.one_of(
    st.sampled_from(["white", "blue", "red", "dodgerblue", "ansi_bright_green", "navy"]),
    st.from_regex(r"#[0-9a-fA-F]{6}", fullmatch=True),
)
percent = st.integers(0, 100)
fraction = st.floats(0.0, 1.0, allow_nan=False)


def maybe(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.none() | strategy


def value_of(track: Track) -> st.SearchStrategy:
    """Any value ``track`` may start at."""
    if track.type is bool:
        return st.booleans()
    lo, hi = track.range or (-1000, 1000)
    lo, hi = max(lo, -1000), min(hi, 1000)  # an open end: values a scenario would write
    if track.type is float:
        return st.floats(lo, hi, allow_nan=False)
    return st.integers(int(lo), int(hi))


@st.composite
def starting_values(draw: st.DrawFn, *scopes: str) -> dict:
    """Some of the starting values of the tracks of ``scopes``."""
    out = {}
    for name, track in TRACKS.items():
        if track.scope in scopes and (v := draw(maybe(value_of(track)))) is not None:
            out[name] = v
    return out


@st.composite
def conditions(draw: st.DrawFn, known: dict[str, list[str]], tracks: tuple[ScenarioTrack, ...] = ()) -> str:
    """A valid condition over the ids in ``known`` (by kind) and the scenario's own ``tracks``."""
    actors = known["actor"]
    a, b = draw(st.permutations(actors))[:2]
    number = draw(st.integers(0, 100))
    atoms = [
        f"tension('{a}', '{b}') >= {number}",
        f"turn >= {draw(st.integers(1, 10))}",
        f"hotline('{a}', '{b}')",
        f"readiness('{a}') > {draw(st.integers(0, 4))}",
        f"trust('{a}', '{b}') < {number} or rung('{a}', '{b}') == 3",
        f"information('{b}', '{a}') <= 0.5",
    ]
    if known["alliance"]:
        atoms.append(f"cohesion('{draw(st.sampled_from(known['alliance']))}') < {number}")
    if known["force"] and known["region"]:
        force = draw(st.sampled_from(known["force"]))
        region = draw(st.sampled_from(known["region"]))
        atoms.append(f"deployed('{force}', '{region}')")
        atoms.append(f"forces_in('{a}', '{region}') >= 1")
    if known["inject"]:
        atoms.append(f"fired('{draw(st.sampled_from(known['inject']))}')")
    for t in tracks:
        ids = {"global": "", "actor": f"'{a}'"}.get(t.scope, f"'{a}', '{b}'")
        call = f"{t.id}({ids})"
        lo, hi = t.range or (0, 1)
        atoms.append(call if t.type == "flag" else f"{call} >= {draw(st.integers(lo - 1, hi + 1))}")
    chosen = draw(st.lists(st.sampled_from(atoms), min_size=1, max_size=3))
    joined = ""
    for atom in chosen:
        if draw(st.booleans()):
            atom = f"not ({atom})"
        joined = atom if not joined else f"{joined} {draw(st.sampled_from(['and', 'or']))} {atom}"
    return joined


@st.composite
def effects(draw: st.DrawFn, known: dict[str, list[str]], own: tuple[ScenarioTrack, ...] = ()) -> Effect:
    if own and draw(st.booleans()):
        t = draw(st.sampled_from(own))
        a, b = draw(st.permutations(known["actor"]))[:2]
        of_own = {"global": (), "actor": (a,)}.get(t.scope, (a, b))
        if t.type == "flag":
            return Effect(value=t.id, of=of_own, set=draw(st.booleans()))
        lo, hi = t.range or (0, 0)
        return Effect(value=t.id, of=of_own, add=draw(st.integers(lo - hi, hi - lo)))
    tracks = settable(find_ruleset(Rules().name))
    values = [v for v, t in tracks.items() if t.scope != "alliance" or known["alliance"]]
    value = draw(st.sampled_from(values))
    kind = tracks[value].scope
    if kind in ("pair", "directed"):
        of = tuple(draw(st.permutations(known["actor"]))[:2])
    elif kind == "actor":
        of = (draw(st.sampled_from(known["actor"])),)
    else:
        of = (draw(st.sampled_from(known["alliance"])),)
    if tracks[value].type is bool:
        return Effect(value=value, of=of, set=draw(st.booleans()))
    lo, hi = tracks[value].range or (-1000, 1000)
    if draw(st.booleans()):
        return Effect(value=value, of=of, set=draw(st.floats(lo, hi, allow_nan=False)))
    return Effect(value=value, of=of, add=draw(st.floats(lo - hi, hi - lo, allow_nan=False)))


@st.composite
def own_tracks(draw: st.DrawFn, actor_ids: list[str]) -> tuple[ScenarioTrack, ...]:
    """Some values of the scenario's own (``[[tracks]]``), of every scope, type and audience."""
    out = []
    for name in draw(st.lists(st.from_regex(r"own_[a-z0-9_]{0,6}", fullmatch=True), unique=True,
                              max_size=3)):
        scope = draw(st.sampled_from(["global", "actor", "pair", "directed"]))
        words = [None, "everyone", "facilitator", *(["holder"] if scope != "global" else [])]
        audience = draw(st.sampled_from(words)
                        | st.lists(st.sampled_from(actor_ids), min_size=1, unique=True).map(tuple))
        if draw(st.booleans()):
            out.append(ScenarioTrack(id=name, title=draw(texts), doc=draw(texts), scope=scope, type="flag",
                                     start=draw(maybe(st.booleans())), audience=audience))
            continue
        lo = draw(st.integers(-50, 50))
        hi = draw(st.integers(lo + 1, lo + 100))
        out.append(ScenarioTrack(id=name, title=draw(texts), doc=draw(texts), scope=scope,
                                 range=(lo, hi), start=draw(maybe(st.integers(lo, hi))), audience=audience))
    return tuple(out)


def own_value(track: ScenarioTrack) -> st.SearchStrategy:
    """Any value a scenario's own ``track`` may start at."""
    if track.type == "flag":
        return st.booleans()
    lo, hi = track.range or (0, 0)
    return st.integers(lo, hi)


@st.composite
def scenarios(draw: st.DrawFn, max_actors: int = 4, max_items: int = 3,
              overrides: bool = False) -> Scenario:
    """A valid scenario: distinct ids, references that resolve, values in range, conditions
    that compile; with ``overrides``, any of the ruleset's numbers changed within its range."""
    small = {"max_size": max_items}
    actor_ids = draw(st.lists(ids, min_size=2, max_size=max_actors, unique=True))
    alliance_ids = draw(st.lists(ids, unique=True, **small))
    region_ids = draw(st.lists(ids, unique=True, **small))
    force_ids = draw(st.lists(ids, unique=True, **small)) if region_ids else []
    inject_ids = draw(st.lists(ids, unique=True, **small))
    known = {"actor": actor_ids, "alliance": alliance_ids, "region": region_ids,
             "force": force_ids, "inject": inject_ids}
    limit = draw(st.integers(1, 30))

    tracks = draw(own_tracks(actor_ids))
    held = [t for t in tracks if t.scope == "actor"]
    actors = tuple(
        Actor(id=a, name=draw(texts), colour=draw(colours), briefing=draw(texts),
              budget=draw(st.integers(1, 20)),
              values={**draw(starting_values("actor")),
                      **{t.id: v for t in held if (v := draw(maybe(own_value(t)))) is not None}})
        for a in actor_ids
    )
    alliances = tuple(
        Alliance(id=al, name=draw(texts),
                 members=tuple(draw(st.lists(st.sampled_from(actor_ids), min_size=2,
                                             unique=True))),
                 values=draw(starting_values("alliance")))
        for al in alliance_ids
    )
    regions = tuple(
        Region(id=r, name=draw(texts), description=draw(texts),
               near=tuple(draw(st.lists(st.sampled_from(actor_ids), unique=True))))
        for r in region_ids
    )
    forces = tuple(
        Force(id=f, owner=draw(st.sampled_from(actor_ids)), home=draw(st.sampled_from(region_ids)),
              kind=draw(st.sampled_from(["naval", "air", "ground", "cyber"])), name=draw(texts))
        for f in force_ids
    )
    pairs = draw(st.lists(st.sampled_from(list(combinations(actor_ids, 2))), unique=True))
    relations = []
    for a, b in pairs:
        seen_by = {
            who: draw(starting_values("directed"))
            for who in draw(st.lists(st.sampled_from([a, b]), unique=True))
        }
        shared = [t for t in tracks if t.scope in ("pair", "directed")]
        relations.append(Relation(
            between=(a, b) if draw(st.booleans()) else (b, a),
            values={**draw(starting_values("pair", "directed")),
                    **{t.id: v for t in shared if (v := draw(maybe(own_value(t)))) is not None}},
            seen_by=seen_by,
        ))
    injects = []
    for i in inject_ids:
        scheduled = draw(st.booleans())
        injects.append(Inject(
            id=i, title=draw(texts), text=draw(texts),
            turn=draw(st.integers(1, limit)) if scheduled else None,
            phase=draw(st.sampled_from(["briefing", "communications", "orders"])),
            when=None if scheduled else draw(conditions(known, tracks)),
            repeat=False if scheduled else draw(st.booleans()),
            to=tuple(draw(st.lists(st.sampled_from(actor_ids), unique=True))),
            effects=tuple(draw(st.lists(effects(known, tracks), max_size=2))),
        ))
    objectives = tuple(
        Objective(id=o, actor=draw(st.sampled_from(actor_ids)), text=draw(texts),
                  when=draw(conditions(known, tracks)),
                  check=draw(st.sampled_from(["end", "ever", "always"])),
                  points=draw(st.integers(0, 10)))
        for o in draw(st.lists(ids, unique=True, **small))
    )
    endings = tuple(
        Ending(id=e, when=draw(conditions(known, tracks)), reason=draw(texts),
               outcome=draw(st.sampled_from(["conflict", "de-escalation", "fracture", "scenario"])))
        for e in draw(st.lists(ids, unique=True, **small))
    )
    defaults = draw(st.fixed_dictionaries({}, optional={
        "tension": percent, "proximity": st.integers(0, 5), "hotline": st.booleans(),
        "trust": percent, "information": fraction, "answer": fraction,
    }))
    changed = draw(rule_overrides()) if overrides else {}
    if defaults:
        changed["defaults"] = {**changed.get("defaults", {}), **defaults}
    rules = Rules(overrides=changed)
    return Scenario(
        scenario=Meta(id=draw(ids), title=draw(texts), summary=draw(texts), author=draw(texts),
                      version=draw(texts), seed=draw(st.integers(-(2**63), 2**63 - 1)),
                      briefing=draw(texts)),
        turns=Turns(limit=limit, label=draw(texts),
                    labels=tuple(draw(st.lists(texts, max_size=limit)))),
        actors=actors,
        rules=rules,
        alliances=alliances,
        regions=regions,
        forces=forces,
        relations=tuple(relations),
        injects=tuple(injects),
        objectives=objectives,
        endings=endings,
        tracks=tracks,
    )
