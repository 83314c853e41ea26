"""``detente simulate``: a dry run of a scenario with bots, to see how it tends to play out.

The runs are played in memory (no logs) by :mod:`detente.engine.simulate`; this module shares
them among processes, shows progress, prints the summary and writes the per-run results.
Run ``i`` depends only on the seed and ``i``, so ``--jobs`` changes the speed, not the results.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

OUT_FORMATS = (".csv", ".json")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    s = sub.add_parser(
        "simulate",
        help="play a scenario many times with bots and sum up how it tends to go",
        description=(
            "Play a scenario many times in memory with bots (no logs are written) and print the "
            "outcome distribution with 95%% confidence intervals, the share of each ending (the "
            "scenario's own endings and the ruleset's), the peak tension, how often each "
            "inject fired, each team's objective score and the turn conflict broke out. Teams without "
            "a --bot are played by the random bot; actors no team plays (background or played by the "
            "facilitator) by the scenario's bot for them (tit-for-tat unless it names one). The same "
            "--seed gives the same results whatever --jobs is."
        ),
    )
    s.add_argument("scenario", help="a scenario file, or the name of a bundled one")
    s.add_argument(
        "--runs", type=int, default=100, metavar="N", help="how many sessions to play (default: 100)"
    )
    s.add_argument(
        "--bot",
        action="append",
        default=[],
        metavar="TEAM=POLICY",
        help="a bot for a team: random, dove, hawk or tit-for-tat (repeatable; default: random)",
    )
    s.add_argument("--jobs", type=int, default=1, metavar="J", help="processes to play in (default: 1)")
    s.add_argument("--seed", type=int, help="seed of the dry run (default: the scenario's)")
    s.add_argument(
        "--sensitivity", action="store_true",
        help="for each team, play it dove and then hawk against random bots (the same seeds) and "
        "print what its choices change: each outcome's share and its mean score, with 95%% "
        "intervals; teams whose choices change nothing are flagged (actors no team plays keep "
        "their bots and are not tried)",
    )
    s.add_argument(
        "--out", metavar="FILE",
        help="write every run's result to FILE (.csv or .json); an existing file is replaced, a "
        "session log never is",
    )
    s.set_defaults(func=cmd_simulate)


def cmd_simulate(args: argparse.Namespace) -> int:
    from detente.engine.bots import BotSpecError, parse_bot_specs, scenario_bots
    from detente.engine.simulate import summarise
    from detente.tui.cli.common import load, resolve_scenario
    from detente.tui.errors import UserError
    from detente.tui.render.output import check_output

    if args.runs < 1:
        raise UserError(f"--runs {args.runs}: play at least one run")
    if args.jobs < 1:
        raise UserError(f"--jobs {args.jobs}: use at least one process")
    if args.out is not None:
        check_output(args.out, overwrite=True)  # refused now, not after the runs
        if Path(args.out).suffix.lower() not in OUT_FORMATS:
            raise UserError(f"--out {args.out}: the file must end in .csv or .json")
    path = resolve_scenario(args.scenario)
    scenario = load(path)
    if args.sensitivity:
        if args.bot:
            raise UserError("--sensitivity plays each team dove and hawk against random bots: "
                            "leave out --bot")
        if args.out is not None:
            raise UserError("--sensitivity prints its table; --out is for the runs of one set of bots")
        return cmd_sensitivity(str(path), scenario, args)
    try:
        # The actors no team plays keep the scenario's bots (the facilitator's too: nobody is at
        # the console in a dry run), unless --bot says otherwise.
        bots = {**scenario_bots(scenario, stand_ins=True), **parse_bot_specs(args.bot, scenario)}
    except BotSpecError as exc:
        raise UserError(f"--bot {exc}") from None
    seed = scenario.scenario.seed if args.seed is None else args.seed
    names = {team: bots[team].name if team in bots else "random" for team in scenario.actor_ids}
    results = run_all(str(path), names, seed, args.runs, args.jobs, _progress_bar(args.runs))
    summary = summarise(scenario, results)
    print("\n".join(render(scenario.scenario.title, names, seed, summary)), flush=True)
    if args.out is not None:
        write_results(Path(args.out), scenario, names, seed, results)
        print(f"Results: {args.out}", flush=True)
    return 0


def cmd_sensitivity(path: str, scenario: Any, args: argparse.Namespace) -> int:
    """Each team dove, then hawk, against random bots: what its choices change. Only the
    actors a team plays are tried; those it does not keep the scenario's bots throughout."""
    from detente.engine.bots import scenario_bots
    from detente.engine.ruleset import find_ruleset
    from detente.engine.sensitivity import DOVE, HAWK, plays, team_sensitivity
    from detente.engine.simulate import main_outcomes

    seed = scenario.scenario.seed if args.seed is None else args.seed
    teams = scenario.team_ids
    kept = {t: p.name for t, p in scenario_bots(scenario, stand_ins=True).items()}
    outcomes = main_outcomes(find_ruleset(scenario.rules.name))
    advance = _progress_bar(2 * len(teams) * args.runs)
    found = []
    try:
        for team in teams:
            doves = run_all(path, {**kept, **plays(teams, team, DOVE)}, seed, args.runs, args.jobs, advance,
                            close=False)
            hawks = run_all(path, {**kept, **plays(teams, team, HAWK)}, seed, args.runs, args.jobs, advance,
                            close=False)
            found.append(team_sensitivity(team, doves, hawks, outcomes))
    finally:
        if advance is not None and hasattr(advance, "close"):
            advance.close()
    names = {a.id: a.name for a in scenario.actors}
    print("\n".join(render_sensitivity(scenario.scenario.title, names, seed, args.runs, found, kept)),
          flush=True)
    return 0


# -- playing -------------------------------------------------------------------------------------

_CACHE: dict[str, Any] = {}


def play_chunk(path: str, names: Mapping[str, str], seed: int, runs: Sequence[int]) -> list[Any]:
    """Play some runs of the scenario at ``path`` (a process loads it once)."""
    from detente.engine.bots import BOTS
    from detente.engine.loader import load_scenario
    from detente.engine.session import new_session
    from detente.engine.simulate import play_run

    if path not in _CACHE:
        scenario = load_scenario(path)
        _CACHE[path] = (scenario, new_session(scenario))
    scenario, template = _CACHE[path]
    bots = {team: BOTS[name] for team, name in names.items()}
    return [play_run(scenario, bots, seed=seed, run=i, template=template) for i in runs]


def run_all(
    path: str,
    names: Mapping[str, str],
    seed: int,
    runs: int,
    jobs: int,
    advance: Callable[[int], None] | None = None,
    *,
    close: bool = True,
) -> list[Any]:
    """Every run's result, sorted by run index; ``advance(k)`` is told of each finished chunk
    (and closed at the end, unless ``close`` is false: more runs follow on the same bar)."""
    size = max(1, min(25, -(-runs // (jobs * 8))))
    chunks = [list(range(i, min(runs, i + size))) for i in range(0, runs, size)]
    results: list[Any] = []
    tick = advance or (lambda k: None)
    try:
        if jobs == 1:
            for chunk in chunks:
                results += play_chunk(path, names, seed, chunk)
                tick(len(chunk))
        else:
            from concurrent.futures import ProcessPoolExecutor, as_completed

            with ProcessPoolExecutor(max_workers=jobs) as pool:
                futures = [pool.submit(play_chunk, path, dict(names), seed, chunk) for chunk in chunks]
                for fut in as_completed(futures):
                    got = fut.result()
                    results += got
                    tick(len(got))
    finally:
        if close and advance is not None and hasattr(advance, "close"):
            advance.close()
    return sorted(results, key=lambda r: r.run)


class _Bar:
    """A progress bar on standard error (only when it is a terminal)."""

    def __init__(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        self.progress = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.task = self.progress.add_task("Playing", total=total)
        self.progress.start()

    def __call__(self, k: int) -> None:
        self.progress.advance(self.task, k)

    def close(self) -> None:
        self.progress.stop()


def _progress_bar(total: int) -> Callable[[int], None] | None:
    return _Bar(total) if sys.stderr.isatty() else None


# -- showing and writing ---------------------------------------------------------------------------


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _num(x: float) -> str:
    return f"{x:.1f}" if x != int(x) else str(int(x))


def render(title: str, names: Mapping[str, str], seed: int, summary: Any) -> list[str]:
    """The summary as lines of text."""
    n = summary.runs
    bots = ", ".join(f"{t}={p}" for t, p in names.items())
    out = [f"{title}: {n} run{'s' if n != 1 else ''}, seed {seed}, bots {bots}", ""]
    out.append(f"{'Outcome':<16}{'runs':>6}{'share':>9}   95% CI")
    for s in summary.outcomes:
        out.append(f"{s.outcome:<16}{s.count:>6}{_pct(s.share):>9}   {_pct(s.low)} – {_pct(s.high)}")
    out += ["", *render_endings(summary.endings)]
    p, figures = summary.peak, summary.names
    if figures.escalation:
        out += ["", f"Peak {figures.escalation}: mean {p.mean:.1f}, sd {p.sd:.1f}, min {_num(p.min)}, "
                    f"max {_num(p.max)}"]
    c, what = summary.breakdown_turn, figures.breakdown
    if what and c is None:
        out.append(f"{what.capitalize()} turn: no run ended in {what}")
    elif what and c is not None:
        by_turn = ", ".join(f"turn {t}: {k}" for t, k in summary.breakdown_turns.items())
        out.append(f"{what.capitalize()} turn: mean {c.mean:.1f}, min {_num(c.min)}, max {_num(c.max)} "
                   f"({by_turn})")
    out += ["", "Injects fired (share of runs):"]
    out += [f"  {share * 100:5.1f}%  {iid}: {t}" for iid, t, share in summary.injects] or ["  (none)"]
    out += ["", "Objective scores:"]
    for team, s in summary.scores.items():
        out.append(f"  {team:<12} mean {s.mean:.2f}, sd {s.sd:.2f}, min {_num(s.min)}, max {_num(s.max)}")
    return out


def _pp(x: float) -> str:
    """A change of a share, in percentage points."""
    return f"{100 * x:+.1f}"


def render_sensitivity(
    title: str, names: Mapping[str, str], seed: int, runs: int, found: Sequence[Any],
    kept: Mapping[str, str] | None = None,
) -> list[str]:
    """What each team's choices change, as lines of text: per team, each outcome's share with
    the team a dove and a hawk, the change in percentage points with its 95% interval, and the
    same for the team's mean score; then the teams whose choices change nothing. ``kept``: the
    actors no team plays, each with the bot that played it in every run."""
    import textwrap

    from detente.engine.sensitivity import SCORE_MATTERS, SHARE_MATTERS

    kept = kept or {}

    out = [f"{title}: what each team's choices change",
           *textwrap.wrap(f"Each team played dove, then hawk, against random bots: {runs} "
                          f"run{'s' if runs != 1 else ''} each, the same seeds (seed {seed}).", 80)]
    if kept:
        out += textwrap.wrap("Played by their bots throughout (no team plays them): " + ", ".join(
            f"{names.get(t, t)} ({p})" for t, p in kept.items()) + ".", 80)
    out.append("")
    for t in found:
        who = f"{names.get(t.team, t.team)} ({t.team})"
        out.append(f"{who}{'' if t.matters else '   ← its choices change nothing measurable'}")
        out.append(f"  {'':<16}{'dove':>8}{'hawk':>8}{'change':>9}   95% interval")
        for c in t.outcomes:
            out.append(f"  {c.what:<16}{_pct(c.dove):>8}{_pct(c.hawk):>8}{_pp(c.change) + ' pp':>9}   "
                       f"{_pp(c.low)} to {_pp(c.high)}")
        s = t.score
        out.append(f"  {'mean score':<16}{s.dove:>8.2f}{s.hawk:>8.2f}{s.change:>+9.2f}   "
                   f"{s.low:+.2f} to {s.high:+.2f}")
        out.append("")
    idle = [f"{names.get(t.team, t.team)} ({t.team})" for t in found if not t.matters]
    if idle:
        said = (f"Choices that change nothing: {', '.join(idle)} — no outcome moves by "
                f"{100 * SHARE_MATTERS:.0f} points or more, and the team's score by less than "
                f"{SCORE_MATTERS:g}. Give them something to decide (objectives, injects, values "
                "their moves change).")
    else:
        said = (f"Every team's choices matter: each moves some outcome by {100 * SHARE_MATTERS:.0f} "
                f"points or more, or its own score by {SCORE_MATTERS:g} or more.")
    return [*out, *textwrap.wrap(said, 80)]


def render_endings(endings: Sequence[Any]) -> list[str]:
    """How the runs ended, ending by ending: the scenario's own endings (by title, or by the
    id its author gave) and the ruleset's (by name), so that two ways to one outcome differ."""
    if not endings:
        return []
    width = min(40, max(len("Ending"), *(len(e.name) for e in endings)))
    out = [f"  {'Ending':<{width}}  {'from':<9}{'outcome':<15}{'runs':>5}{'share':>9}   95% CI"]
    for e in endings:
        name = e.name if len(e.name) <= width else e.name[: width - 1] + "…"
        out.append(f"  {name:<{width}}  {e.ending_from:<9}{e.outcome:<15}{e.count:>5}"
                   f"{_pct(e.share):>9}   {_pct(e.low)} – {_pct(e.high)}")
    return out


def write_results(
    path: Path, scenario: Any, names: Mapping[str, str], seed: int, results: Sequence[Any]
) -> None:
    """Every run's result as CSV (one row a run) or JSON, chosen by the file's extension."""
    from detente.engine.simulate import RunNames
    from detente.tui.render.output import write_output

    if path.suffix.lower() == ".json":
        import json

        doc = {
            "scenario": scenario.scenario.id,
            "seed": seed,
            "runs": len(results),
            "bots": dict(names),
            "results": [r.to_dict() for r in results],
        }
        write_output(path, json.dumps(doc, indent=1, ensure_ascii=False) + "\n", overwrite=True)
        return
    import csv
    import io

    teams = list(names)
    injects = [inj.id for inj in scenario.injects]
    figures = results[0].names if results else RunNames()
    with io.StringIO(newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            ["run", "seed", "outcome", "ending", "ending_from", "turn"]
            + [figures.breakdown_key, figures.peak_key]
            + [f"score_{t}" for t in teams]
            + [f"fired_{i}" for i in injects]
            + ["reason"]
        )
        for r in results:
            w.writerow(
                [r.run, r.seed, r.outcome, r.ending, r.ending_from, r.turn, r.breakdown_turn or "",
                 r.peak]
                + [r.scores.get(t, 0) for t in teams]
                + [int(i in r.injects) for i in injects]
                + [r.reason]
            )
        write_output(path, fh.getvalue(), overwrite=True)
