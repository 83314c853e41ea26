"""Cooperation and signals: exercises, exchanges, agreements, commitments, dialogue, statements.

Grounding (docs/rules.md, "Grounding: cooperation and signals"): partners' trust and an
alliance's cohesion rise with joint exercises, defence cooperation agreements and commitments,
while third parties read the same moves as a threat (the security dilemma, Jervis 1978);
military-to-military channels matter (the 1989 Dangerous Military Activities agreement was
negotiated by officers); NATO CMX treats cohesion as a matter of consensus; a public statement
is a signal that may differ from the move actually made.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from detente.engine.ruleset import COERCIVE, COOPERATIVE, SOLIDARITY, MoveType, Param, Step
from detente.engine.state import Order, Proposal, Reading, pair
from detente.rules.common import (
    both_ways,
    name,
    not_proposed,
    notified,
    order_step,
    others,
    perceived,
    proposed,
    region_name,
    shared_alliances,
    third_parties,
    whole,
)

if TYPE_CHECKING:
    from detente.engine.adjudicate import Resolution

AREAS = ("training", "logistics", "technology")
STANCES = ("reassure", "warn", "support", "neutral")


def _targets(state: Reading, team: str) -> Mapping[str, tuple[str, ...]]:
    return {"target": others(state, team)}


def _bond(r: Resolution, a: str, b: str, cohesion: int, trust: int, cause: str) -> None:
    """Raise the cohesion of every alliance ``a`` and ``b`` share, or, if they share none,
    their trust in each other."""
    shared = shared_alliances(r.state, a, b)
    for al in shared:
        r.change("cohesion", [al], add=cohesion, cause=cause)
    if not shared:
        both_ways(r, "trust", a, b, trust, cause)


def _dilemma(r: Resolution, a: str, b: str, base: float, cause: str) -> None:
    """Third parties feel threatened by cooperation between ``a`` and ``b`` (no roll:
    agreements are announced and read as they are)."""
    n = r.numbers["perception"]
    for o in third_parties(r.state, a, b):
        for x in (a, b):
            info = r.state.values["information"][(o, x)]
            add = whole(base * (1 - n["info_damping"] * info))
            r.change("threat", [o, x], add=add, cause=cause)


# -- joint_exercise ----------------------------------------------------------------------------

def _exercise_choices(state: Reading, team: str) -> Mapping[str, tuple[str, ...]]:
    return {"target": others(state, team), "region": state.scenario.region_ids}


EXERCISE = "exercise:"
"""The prefix of the mark of an exercise a partner agreed to (its proposal's id follows): it
takes place at this turn's adjudication."""


def _exercise_check(state: Reading, team: str, order: Order) -> str | None:
    if proposed(state, team, "joint_exercise", order.target):
        return f"you already proposed an exercise to {name(state, order.target)} this turn"
    return None


def _exercise_accept(r: Resolution, p: Proposal, responder: str) -> None:
    """The partner agreed: the exercise takes place where proposed, at this turn's adjudication."""
    r.emit("mark", sorted({p.by, responder}), key=f"{EXERCISE}{p.id}",
           value={"by": p.by, "with": responder, "region": p.order.region, "turn": r.turn})


def agreed_exercises(state: Reading) -> list[tuple[str, str, str]]:
    """This turn's exercises partners agreed to: (proposer, partner, region), in proposal order."""
    out = []
    for key, v in state.marks.items():
        if key.startswith(EXERCISE) and isinstance(v, dict) and v.get("turn") == state.turn:
            out.append((str(v["by"]), str(v["with"]), str(v["region"])))
    return out


def exercises(r: Resolution) -> None:
    """Adjudication step: the exercises agreed this turn take place; the marks of earlier
    turns' go (this turn's stay until the next, for the steps after this one to read)."""
    held: set[tuple[str, str]] = set()
    for key in [k for k in r.state.marks if k.startswith(EXERCISE)]:
        v = r.state.marks[key]
        if isinstance(v, dict) and v.get("turn") == r.turn:
            by, partner = str(v["by"]), str(v["with"])
            order = Order("joint_exercise", target=partner, region=str(v["region"]))
            if pair(by, partner) in held:  # both proposed and both agreed: one exercise a turn
                r.move(by, order, "already agreed this turn: no further effect", result="void", vis=[by])
                continue
            held.add(pair(by, partner))
            _exercise(r, by, order)
        else:
            parties = sorted({str(v["by"]), str(v["with"])}) if isinstance(v, dict) else "fac"
            r.emit("mark", parties, key=key, value=None)


def _exercise(r: Resolution, team: str, order: Order) -> None:
    n = r.numbers["cooperation"]
    t, region = order.target, order.region
    ahead = notified(r.state, team, "exercise", region)
    text = (f"{name(r.state, team)} held a joint exercise with {name(r.state, t)} "
            f"in {region_name(r.state, region)}")
    r.move(team, order, text + (" (notified ahead)" if ahead else ""))
    both_ways(r, "trust", team, t, n["exercise_trust"], text)
    for al in shared_alliances(r.state, team, t):
        r.change("cohesion", [al], add=n["exercise_cohesion"], cause=text)
    for o in third_parties(r.state, team, t):
        for x, y in ((team, t), (t, team)):
            add = perceived(r, o, x, n["exercise_threat"], f"exercise:{y}", ahead=ahead)
            r.change("threat", [o, x], add=add, cause=text)


joint_exercise = MoveType(
    name="joint_exercise",
    fixed_choices=True,
    breaks_restraint="near",
    noun="proposal of a joint exercise",
    tone=COOPERATIVE, outsiders=COERCIVE,
    family="cooperation",
    phase="communications",
    description="Propose an exercise to a partner, where: if it agrees, trust and cohesion rise; "
                "outsiders feel threatened",
    params=(Param("target", "the partner"), Param("region", "where")),
    choices=_exercise_choices,
    check=_exercise_check,
    consent=True,
    accept=_exercise_accept,
)


# -- mil_to_mil_exchange -----------------------------------------------------------------------

def _mil_to_mil(r: Resolution, team: str, order: Order) -> None:
    n = r.numbers["cooperation"]
    t = order.target
    text = f"{name(r.state, team)} and {name(r.state, t)} held military-to-military talks"
    r.move(team, order, text, vis=sorted({team, t}))
    both_ways(r, "answer", team, t, n["m2m_answer"], text)
    both_ways(r, "trust", team, t, n["m2m_trust"], text)


def _m2m_check(state: Reading, team: str, order: Order) -> str | None:
    if proposed(state, team, "mil_to_mil_exchange", order.target):
        return f"you already proposed talks to {name(state, order.target)} this turn"
    return None


def _m2m_accept(r: Resolution, p: Proposal, responder: str) -> None:
    _mil_to_mil(r, p.by, p.order)


mil_to_mil_exchange = MoveType(
    name="mil_to_mil_exchange",
    fixed_choices=True,
    noun="proposal of military-to-military talks",
    tone=COOPERATIVE,
    family="cooperation",
    phase="communications",
    description="Propose talks between officers: if agreed, each side becomes more likely to answer "
                "the other's calls",
    params=(Param("target", "with whom"),),
    choices=_targets,
    check=_m2m_check,
    consent=True,
    accept=_m2m_accept,
)


# -- intelligence_sharing ----------------------------------------------------------------------

def _sharing_choices(state: Reading, team: str) -> Mapping[str, tuple[str, ...]]:
    # Sharing is about a third actor: with only two actors there is nothing to share.
    return {"target": others(state, team) if len(state.scenario.actors) > 2 else ()}


def _sharing(r: Resolution, team: str, order: Order) -> None:
    n = r.numbers["cooperation"]
    t = order.target
    parties = sorted({team, t})
    text = f"{name(r.state, team)} shared intelligence with {name(r.state, t)}"
    r.move(team, order, text, vis=parties)
    for o in others(r.state, team):
        if o == t:
            continue
        information = r.state.values["information"]
        mine, theirs = information[(team, o)], information[(t, o)]
        if mine > theirs:
            r.change("information", [t, o], add=n["sharing_fraction"] * (mine - theirs),
                     cause=f"intelligence from {name(r.state, team)}")
    for fid, fs in r.state.forces.items():
        if r.state.owner(fid) != t and team in fs.known_to and t not in fs.known_to:
            r.emit("known", parties, force=fid, by=[t])
    r.change("trust", [t, team], add=n["sharing_trust"], cause=text)


intelligence_sharing = MoveType(
    name="intelligence_sharing",
    fixed_choices=True,
    tone=COOPERATIVE,
    family="cooperation",
    phase="orders",
    description="Share what you know of third actors: the partner's information rises toward yours",
    params=(Param("target", "with whom"),),
    choices=_sharing_choices,
    resolve=_sharing,
)


# -- defense_cooperation_agreement -------------------------------------------------------------

def dca_key(a: str, b: str, area: str) -> str:
    """The mark of a defence cooperation agreement between ``a`` and ``b`` in ``area``."""
    x, y = pair(a, b)
    return f"dca:{x}:{y}:{area}"


def _dca_choices(state: Reading, team: str) -> Mapping[str, tuple[str, ...]]:
    return {"target": others(state, team), "choice": AREAS}


def _dca_check(state: Reading, team: str, order: Order) -> str | None:
    if dca_key(team, order.target, order.choice) in state.marks:
        return (f"an agreement on {order.choice} with {name(state, order.target)} "
                "is already in force")
    if proposed(state, team, "defense_cooperation_agreement", order.target):
        return f"you already offered {name(state, order.target)} an agreement this turn"
    return None


def _dca_accept(r: Resolution, p: Proposal, responder: str) -> None:
    n = r.numbers["cooperation"]
    a, area = p.by, p.order.choice
    text = (f"{name(r.state, a)} and {name(r.state, responder)} signed a defence cooperation "
            f"agreement on {area}")
    r.emit("move", "all", team=a, order=p.order.to_dict(), result="accepted", text=text)
    r.emit("mark", "all", key=dca_key(a, responder, area), value=r.turn)
    both_ways(r, "trust", a, responder, n["dca_trust"], text)
    _dilemma(r, a, responder, n["dca_threat"], text)


def _dca_decline(r: Resolution, p: Proposal, responder: str, unanswered: bool) -> None:
    n = r.numbers["cooperation"]
    cause = f"{name(r.state, responder)} turned down a defence cooperation agreement"
    r.change("trust", [p.by, responder], add=-n["dca_declined_trust"], cause=cause)


defense_cooperation_agreement = MoveType(
    name="defense_cooperation_agreement",
    fixed_choices=True,
    noun="offer of a defence cooperation agreement",
    tone=COOPERATIVE,
    family="cooperation",
    phase="communications",
    description="Offer a lasting agreement on training, logistics or technology",
    params=(
        Param("target", "the partner"),
        Param("choice", "the area: training, logistics or technology"),
    ),
    choices=_dca_choices,
    check=_dca_check,
    consent=True,
    accept=_dca_accept,
    decline=_dca_decline,
)


def lasting_agreements(r: Resolution) -> None:
    """Adjudication step: each defence cooperation agreement in force pays off every turn."""
    n = r.numbers["cooperation"]
    for key in sorted(k for k in r.state.marks if k.startswith("dca:")):
        _, a, b, area = key.split(":")
        cause = f"defence cooperation on {area} between {name(r.state, a)} and {name(r.state, b)}"
        if area == "training":
            both_ways(r, "trust", a, b, n["dca_training_trust"], cause)
        elif area == "logistics":
            _bond(r, a, b, n["dca_logistics_cohesion"], n["dca_logistics_trust"], cause)
        elif area == "technology":
            both_ways(r, "information", a, b, n["dca_technology_information"], cause)


# -- alliance_commitment -----------------------------------------------------------------------

def _commit_choices(state: Reading, team: str) -> Mapping[str, tuple[str, ...]]:
    return {"target": not_proposed(state, team, "alliance_commitment", others(state, team))}


def _commit_accept(r: Resolution, p: Proposal, responder: str) -> None:
    n = r.numbers["cooperation"]
    text = f"{name(r.state, p.by)} and {name(r.state, responder)} reaffirmed their commitment"
    r.emit("move", "all", team=p.by, order=p.order.to_dict(), result="accepted", text=text)
    _bond(r, p.by, responder, n["commitment_cohesion"], n["commitment_trust"], text)
    _dilemma(r, p.by, responder, n["commitment_threat"], text)


def _commit_decline(r: Resolution, p: Proposal, responder: str, unanswered: bool) -> None:
    n = r.numbers["cooperation"]
    cause = f"{name(r.state, responder)} would not reaffirm its commitment"
    r.change("trust", [p.by, responder], add=-n["commitment_declined_trust"], cause=cause)


alliance_commitment = MoveType(
    name="alliance_commitment",
    noun="offer of an alliance commitment",
    tone=COOPERATIVE, outsiders=COERCIVE,
    family="cooperation",
    phase="communications",
    description="Publicly reaffirm a commitment with a partner: cohesion rises, outsiders worry",
    params=(Param("target", "the partner"),),
    choices=_commit_choices,
    consent=True,
    accept=_commit_accept,
    decline=_commit_decline,
)


# -- multilateral_dialogue ---------------------------------------------------------------------

DECLARATION = "declaration"
"""A forum's text that commits its parties to nothing the rules can check: words only."""


def _dialogue_choices(state: Reading, team: str) -> Mapping[str, tuple[str, ...]]:
    rest = others(state, team)
    return {
        "targets": rest if len(rest) >= 2 else (),
        "choice": (DECLARATION, *state.ruleset.pledges),
        "region": tuple(r.id for r in state.scenario.regions),
    }


def _dialogue_check(state: Reading, team: str, order: Order) -> str | None:
    if len(order.targets) < 2:
        return "a multilateral dialogue needs at least two invitees"
    mine = (p for p in state.proposals.values() if p.by == team)
    if any(p.order.move == "multilateral_dialogue" for p in mine):
        return "you already convened a dialogue this turn"
    kind = state.ruleset.pledges.get(order.choice)
    if kind is not None and kind.needs_region and not order.region:
        return f"a text committing the parties to {(kind.title or order.choice).lower()} needs a region"
    if (kind is None or not kind.needs_region) and order.region:
        return "only a text about a region (no deployment there) names a region"
    return None


def _agreed_text(r: Resolution, p: Proposal, came: list[str]) -> None:
    """The chair's dialogue ends: with every invitee there, the text is agreed by consensus
    and each party is held to what it commits them to; with anyone missing, it is the chair's
    statement alone (ASEAN and ADMM-Plus decide by consensus)."""
    order = p.order
    parties = [p.by, *came]
    draft = f" “{order.text}”" if order.text else ""
    chair = name(r.state, p.by)
    kind = r.ruleset.pledges.get(order.choice)
    if len(came) < len(p.to):
        missing = ", ".join(name(r.state, t) for t in p.to if t not in came)
        r.move(p.by, order, f"the dialogue chaired by {chair} ended without an agreed text{draft} "
               f"(no consensus: {missing} stayed away); a chair's statement only",
               result="no consensus", vis=_invited(p))
        return
    n = r.numbers["cooperation"]
    commits = ""
    if kind is not None:
        what = kind.title or order.choice
        commits = f", committing every party to {what[:1].lower() + what[1:]}"
        if kind.needs_region:
            commits += f" ({region_name(r.state, order.region)})"
    text = (f"the dialogue chaired by {chair} agreed {'a text' if draft else 'a joint statement'} "
            f"by consensus{draft}{commits}, among {', '.join(name(r.state, x) for x in parties)}")
    r.move(p.by, order, text, result="agreed", vis=_invited(p))
    for i, a in enumerate(parties):
        for b in parties[i + 1:]:
            both_ways(r, "trust", a, b, n["forum_trust"], text)
    if kind is None:
        return
    until = min(r.turn + n["forum_turns"] - 1, r.state.scenario.turns.limit)
    k = 0
    for a in parties:
        for b in parties:
            if a != b:
                k += 1
                r.emit("pledge", _invited(p), id=f"{p.id}-t{k}", call=p.id, by=a, to=b,
                       pledge=order.choice, region=order.region, until=until)


def _dialogue_close(r: Resolution, p: Proposal) -> None:
    """When every invitee has answered: attendees' pairs ease a little too (once)."""
    current = r.state.proposals.get(p.id, p)
    flag = f"dialogue:{p.id}"
    if flag in r.state.flags or not all(t in current.answers for t in p.to):
        return
    r.emit("flag", "fac", flag=flag)
    n = r.numbers["cooperation"]
    came = [t for t in p.to if current.answers.get(t)]
    for i, a in enumerate(came):
        for b in came[i + 1:]:
            r.change("tension", [a, b], add=-n["dialogue_attendee_tension"],
                     cause=f"{name(r.state, a)} and {name(r.state, b)} met at a dialogue", vis=_invited(p))
    _agreed_text(r, p, came)


def _invited(p: Proposal) -> list[str]:
    # Who came is the invitees' business: third parties see tension ease, not why.
    return sorted({p.by, *p.to})


def _dialogue_accept(r: Resolution, p: Proposal, responder: str) -> None:
    n = r.numbers["cooperation"]
    text = f"{name(r.state, responder)} joined {name(r.state, p.by)}'s dialogue"
    r.change("tension", [p.by, responder], add=-n["dialogue_tension"], cause=text, vis=_invited(p))
    both_ways(r, "trust", p.by, responder, n["dialogue_trust"], text)
    _dialogue_close(r, p)


def _dialogue_decline(r: Resolution, p: Proposal, responder: str, unanswered: bool) -> None:
    n = r.numbers["cooperation"]
    cause = f"{name(r.state, responder)} stayed away from {name(r.state, p.by)}'s dialogue"
    r.change("trust", [p.by, responder], add=-n["dialogue_declined_trust"], cause=cause)
    _dialogue_close(r, p)


multilateral_dialogue = MoveType(
    name="multilateral_dialogue",
    fixed_choices=True,
    noun="invitation to a dialogue",
    tone=COOPERATIVE,
    family="cooperation",
    phase="communications",
    description="Chair a dialogue of two or more actors: tensions with those who come ease; with "
                "all there, its text is agreed and binds them",
    params=(
        Param("targets", "whom to invite (two or more)"),
        Param("choice", "what the text commits the parties to: declaration (words only) or a "
                        "pledge kind", optional=True),
        Param("region", "the region, for a text about one (no deployment there)", optional=True),
        Param("text", "the draft text", optional=True),
    ),
    choices=_dialogue_choices,
    check=_dialogue_check,
    consent=True,
    accept=_dialogue_accept,
    decline=_dialogue_decline,
)


# -- public_statement --------------------------------------------------------------------------

def _statement_choices(state: Reading, team: str) -> Mapping[str, tuple[str, ...]]:
    return {"choice": STANCES, "target": others(state, team)}


def _statement_check(state: Reading, team: str, order: Order) -> str | None:
    if order.choice in ("reassure", "warn", "support") and not order.target:
        return f"a statement to {order.choice} needs a target"
    if order.choice == "support" and not state.allied(team, order.target):
        return f"{name(state, order.target)} is not an ally: support is for allies"
    return None


def _statement(r: Resolution, team: str, order: Order) -> None:
    n = r.numbers["cooperation"]
    t, stance = order.target, order.choice
    whom = f" {name(r.state, t)}" if t else ""
    said = f": “{order.text}”" if order.text else ""
    text = f"{name(r.state, team)} made a statement ({stance}{whom}){said}"
    r.move(team, order, text)
    # Words on the record, to compare with deeds in the debrief.
    r.emit("mark", "all", key=f"statement:{team}:{r.turn}", value=stance)
    if stance == "reassure":
        r.change("threat", [t, team], add=-n["statement_reassure"], cause=text)
    elif stance == "warn":
        r.change("threat", [t, team], add=n["statement_warn"], cause=text)
    elif stance == "support":
        for al in shared_alliances(r.state, team, t):
            r.change("cohesion", [al], add=n["statement_support_cohesion"], cause=text)


public_statement = MoveType(
    name="public_statement",
    fixed_choices=True,
    choice_tones={"warn": COERCIVE, "reassure": COOPERATIVE, "support": SOLIDARITY},
    assurance="public statement reassuring {target}",
    family="cooperation",
    phase="orders",
    description="Say something in public: reassure, warn, support an ally, or stay neutral",
    params=(
        Param("choice", "the stance: reassure, warn, support or neutral"),
        Param("target", "to or about whom", optional=True),
        Param("text", "the words", optional=True),
    ),
    choices=_statement_choices,
    check=_statement_check,
    resolve=_statement,
)

MOVES = (
    joint_exercise, mil_to_mil_exchange, intelligence_sharing, defense_cooperation_agreement,
    alliance_commitment, multilateral_dialogue, public_statement,
)

STEPS = (
    Step("agreed exercises", exercises),
    order_step(
        "cooperation",
        ("public_statement", "intelligence_sharing"),
        once={
            "intelligence_sharing": lambda team, o: ("sharing", team, o.target),
            "public_statement": lambda team, o: ("statement", team),
        },
    ),
)
AGREEMENTS = (Step("lasting agreements", lasting_agreements),)
