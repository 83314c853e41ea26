"""Plain-text rendering of views and turn summaries, for the command line.

Everything here is built from a :class:`~detente.engine.views.View` or from events
a role may see — never from the raw state — and holds nothing that differs between
two runs with the same seed (no paths, no clock).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from detente.engine.scenario import Scenario
from detente.engine.views import View


def _name(scenario: Scenario, actor: str) -> str:
    try:
        return scenario.actor(actor).name
    except KeyError:
        return actor


def _rung_name(ladder: Sequence[str], r: int) -> str:
    return ladder[r] if 0 <= r < len(ladder) else ""


def render_view(v: View) -> str:
    """A view as readable text, section by section."""
    out: list[str] = []
    out.append(f"{v.title} — {v.label}, {v.phase} (as {v.role})")
    if v.outcome is not None:
        out.append(f"Outcome: {v.outcome.result} — {v.outcome.reason}")
        scores = ", ".join(f"{k} {s}" for k, s in v.outcome.scores.items())
        out.append(f"Scores: {scores}")
    out.append("")
    out.append("Escalation")
    for p in v.pairs:
        flags = [x for x, on in (("hotline", p.hotline), ("agreement", p.agreement)) if on]
        extra = f" [{', '.join(flags)}]" if flags else ""
        out.append(
            f"  {p.a}–{p.b}: tension {p.tension:3d}, rung {p.rung} ({_rung_name(v.ladder, p.rung)}), "
            f"proximity {p.proximity}, incidents {p.incidents}{extra}"
        )
    out.append("Actors")
    for a in v.actors:
        own = f", budget {a.budget} (spent {a.spent}), pressure {a.pressure}" if a.budget is not None else ""
        out.append(f"  {a.id} ({a.name}): readiness {a.readiness}{own}")
    if v.outlooks:
        out.append("Outlooks (holder → other: trust, threat, information, answer)")
        for o in v.outlooks:
            out.append(
                f"  {o.holder} → {o.other}: {o.trust}, {o.threat}, {o.information:.2f}, {o.answer:.2f}"
            )
    if v.cohesion:
        out.append("Alliances")
        for k, c in v.cohesion.items():
            out.append(f"  {k}: cohesion {c}")
    out.append("Forces")
    for f in v.forces:
        where = f.region if f.region is not None else "unknown"
        out.append(f"  {f.id} ({f.owner}, {f.kind}): {where}")
    if v.pledges:
        out.append("Pledges")
        for p in v.pledges:
            region = f" {p.region}" if p.region else ""
            out.append(f"  {p.by} to {p.to}: {p.kind}{region} until turn {p.until} — {p.status}")
    if v.orders:
        out.append("Sealed orders")
        for team, orders in v.orders.items():
            shown = "; ".join(_order_text(o.to_dict()) for o in orders) or "pass"
            out.append(f"  {team}: {shown}")
    if v.inbox:
        out.append("Injects received")
        for d in v.inbox:
            out.append(f"  turn {d.turn}: {d.title}")
    return "\n".join(out)


def _order_text(o: Mapping[str, Any]) -> str:
    args = [str(o[k]) for k in ("force", "target", "region", "choice") if o.get(k)]
    if o.get("targets"):
        args.append("+".join(o["targets"]))
    return o["move"] + (f" {' '.join(args)}" if args else "")


def turn_summary(
    scenario: Scenario, v: View, events: Iterable[Mapping[str, Any]], before: Mapping[tuple[str, str], int]
) -> list[str]:
    """A few lines on a turn that has just been published: each pair's rung (with its change)
    and the notable events among ``events`` (this turn's, as the view's role may see them)."""
    lines = [f"{v.label}:"]
    for p in v.pairs:
        was = before.get((p.a, p.b))
        delta = "" if was is None or was == p.rung else (" ▲" if p.rung > was else " ▼") + f" from {was}"
        lines.append(f"  {p.a}–{p.b}: rung {p.rung} ({_rung_name(v.ladder, p.rung)}){delta}")
    proposals: dict[str, Mapping[str, Any]] = {}
    for e in events:
        if e["kind"] == "proposal":
            proposals[e["id"]] = e
        text = notable(scenario, e, proposals)
        if text:
            lines.append(f"  - {text}")
    return lines


_MOVE_WORDS = {
    "hotline_call": "hotline call",
    "propose_hotline": "offer of a hotline",
    "request_inspection": "request for an inspection",
    "defense_cooperation_agreement": "offer of a defence cooperation agreement",
    "alliance_commitment": "offer of an alliance commitment",
    "multilateral_dialogue": "invitation to a dialogue",
}


def notable(
    scenario: Scenario, e: Mapping[str, Any], proposals: Mapping[str, Mapping[str, Any]] | None = None
) -> str | None:
    """One line for an event worth calling out in a summary, or None. ``proposals`` (by id)
    lets answers name what they answer."""
    k = e["kind"]
    n = lambda a: _name(scenario, a)  # noqa: E731

    def what(pid: str) -> str:
        p = (proposals or {}).get(pid)
        if p is None:
            return f"proposal {pid}"
        return f"{n(p['by'])}'s {_MOVE_WORDS.get(p['order']['move'], p['order']['move'])}"

    if k == "inject":
        return f"inject: {e['title']}" + (f" (to {', '.join(e['to'])})" if e["to"] else "")
    if k == "proposal":
        move = _MOVE_WORDS.get(e["order"]["move"], e["order"]["move"])
        return f"{n(e['by'])}: {move} to {', '.join(n(t) for t in e['to'])}"
    if k == "response":
        return f"{n(e['by'])} {'accepted' if e['accept'] else 'declined'} {what(e['id'])}"
    if k == "unanswered":
        return f"{', '.join(n(t) for t in e['by'])} left {what(e['id'])} unanswered"
    if k == "pledge":
        region = f" in {e['region']}" if e.get("region") else ""
        return f"pledge: {n(e['by'])} to {n(e['to'])}: {e['pledge']}{region} until turn {e['until']}"
    if k == "pledge_status" and e["status"] == "broken":
        return f"pledge {e['id']} broken"
    if k == "incident":
        return str(e["text"])
    if k == "move" and e.get("result") not in (None, "done"):
        return f"{n(e['team'])}: {e['text']}"
    if k == "move" and e["order"]["move"] in (
        "deploy",
        "raise_readiness",
        "joint_exercise",
        "public_statement",
    ):
        return f"{n(e['team'])}: {e['text']}"
    if k == "override":
        return f"facilitator set {e['value']} of {'/'.join(e['of'])} to {e['to']}: {e['reason']}"
    if k == "outcome":
        return f"OUTCOME: {e['result']} — {e['reason']}"
    return None
