#!/usr/bin/env bash
# A first-time facilitator's session of `detente play` in a real 80x24 terminal (tmux): two days
# of Strait Standoff with its three teams, a hotline call, sealed orders, an override with a
# reason, ending early with `e`, and the reports written from the end screen. Every key pressed
# is one the screen shows (footer, hint line) or its F1 help lists: `use` checks that first.
# Then the reports are read: the facilitator's holds the override's reason, no team's copy does.
# Usage: tests/tui/tmux_play.sh [DETENTE-COMMAND...] (default: detente on PATH). Exits non-zero,
# saying what it expected, on any failure.
set -euo pipefail
cmd=("$@")
[ ${#cmd[@]} -gt 0 ] || cmd=(detente)
work="$(mktemp -d)"
sock="detente-test-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT

tmux -L "$sock" new-session -d -s play -x 80 -y 24 -c "$work" \
  "$(printf '%q ' "${cmd[@]}") play strait_standoff --sessions $work/sessions; sleep 60"

REASON="Azurian parliament votes tomorrow"
PUBLIC="Both navies report a tense night"

screen() { tmux -L "$sock" capture-pane -t play -p; }
fail() { echo "tmux_play: $1; the screen was:" >&2; screen >&2; exit 1; }
wait_for() {  # wait_for TEXT [SECONDS]
  local deadline=$((SECONDS + ${2:-20}))
  until screen | grep -qF -- "$1"; do
    [ $SECONDS -lt $deadline ] || fail "expected to see '$1'"
    sleep 0.2
  done
}
keys() {  # one key at a time: a list opens before the next key reaches it
  local k
  for k in "$@"; do tmux -L "$sock" send-keys -t play "$k"; sleep 0.4; done
}
text() { tmux -L "$sock" send-keys -t play -l "$1"; sleep 0.4; }
use() {  # use KEY LABEL: press KEY, once LABEL (how the screen names it) is on screen or in F1
  # A screen's footer may be painted a moment after its title (under load): look for LABEL for
  # up to 2 s before asking F1.
  local deadline=$((SECONDS + 2))
  until screen | grep -qF -- "$2" || [ $SECONDS -ge $deadline ]; do sleep 0.2; done
  if ! screen | grep -qF -- "$2"; then
    keys F1
    wait_for "closes this help" 5
    screen | grep -qF -- "$2" || fail "'$2' is neither on screen nor in F1"
    keys Escape
  fi
  keys "$1"
}
hand_back() {  # a team is done: its screen, then the hand-back screen, then the facilitator's key
  use Escape "esc Done";  wait_for "Hand the keyboard back to the facilitator"
  keys Enter;             wait_for "Only the facilitator opens the console"   # a team's Enter does not
  use C-f "ctrl+f";       wait_for "Escalation"
}
take() {  # take N: the Nth team (0: the first) takes the keyboard
  use t "t Team";         wait_for "Which team takes the keyboard?"
  wait_for "Enter picks"
  for _ in $(seq "$1"); do keys Down; done
  keys Enter;             wait_for "Pass the keyboard to"
  if screen | grep -q "SALTGLASS\|OBSIDIAN\|MARIGOLD"; then fail "the hand-over screen shows a team's secret"; fi
  keys Enter;             wait_for "Your briefing"
}

# -- Day 1: communications ---------------------------------------------------------------
wait_for "Day 1"
use n "n Next";           wait_for "communications"
take 0                                                     # Republic of Azuria
keys Enter;               wait_for "Hotline call — costs 1"  # the first move, highlighted
keys Enter Down Enter;    wait_for "Corvanian Federation"    # whom to call
keys Enter;               wait_for "ringing"
hand_back
take 1                                                     # Corvanian Federation
use a "a Accept";         wait_for "answered"
use c "c Call";           wait_for "Speaking now"
text "Our survey ship stays."; keys Enter
text "Then keep your navy out of the channel."; keys Enter
wait_for "keep your navy out"
use F3 "f3 Hang up";      wait_for "Your briefing"
hand_back

# -- Day 1: sealed orders ----------------------------------------------------------------
use n "n Next";           wait_for "orders"
take 0
keys Enter;               wait_for "Notify an activity — costs 1"
keys Enter Down Enter;    wait_for "deploy"                 # the activity
keys Enter Down Enter;    wait_for "Velin Strait"           # where
keys Enter;               wait_for "1. Notify an activity"
use s "s Seal";           wait_for "Seal these orders?"
keys Enter;               wait_for "Your orders are sealed"
hand_back
take 1
keys Down Down Down Enter; wait_for "Deploy a force — costs 2"
keys Enter Down Enter;    wait_for "Corvanian Northern Fleet"
keys Enter Down Enter;    wait_for "Velin Strait"
keys Enter;               wait_for "1. Deploy a force"
use s "s Seal";           wait_for "Seal these orders?"
keys Enter;               wait_for "Your orders are sealed"
hand_back
take 2                                                     # Kingdom of Lysmark passes
use s "s Seal";           wait_for "no orders: pass this turn"
keys Enter;               wait_for "Your orders are sealed"
hand_back

# -- Day 1: the review, an override, the debrief -----------------------------------------
use n "n Next";           wait_for "Adjudication review"
use o "o Override";       wait_for "Adjust a value"
keys Enter Down Enter;    wait_for "tension"                # which value
keys Enter Down Enter;    wait_for "Republic of Azuria – Corvanian"
text 60
use Tab "tab";            text "$REASON"
use Tab "tab";            text "$PUBLIC"
keys Enter;               wait_for "set by the facilitator"
use p "p Publish";        wait_for "Tension per pair"
use Escape "esc Back";    wait_for "Escalation"

# -- Day 2 -------------------------------------------------------------------------------
use n "n Next";           wait_for "Day 2"
use n "n Next";           wait_for "communications"
use n "n Next";           wait_for "orders"
take 0
keys Enter;               wait_for "Notify an activity — costs 1"
keys Enter Down Down Enter; wait_for "exercise"
keys Enter Down Enter;    wait_for "Velin Strait"
keys Enter;               wait_for "1. Notify an activity"
use s "s Seal";           wait_for "Seal these orders?"
keys Enter;               wait_for "Your orders are sealed"
hand_back
use n "n Next";           wait_for "Leave orders and move on?"   # two teams have not acted
keys Enter;               wait_for "Adjudication review"
use p "p Publish";        wait_for "Debrief"
use Escape "esc Back";    wait_for "Escalation"

# -- End early, write the reports from the end screen ------------------------------------
use e "e End";            wait_for "Say why"
text "Time is up for the workshop"; keys Enter
wait_for "The exercise has ended"
wait_for "points earned"
use w "w Write report";   wait_for "Write which report?"
keys Enter;               wait_for "Report written"        # the facilitator's HTML
use w "w Write report";   wait_for "Write which report?"
keys Down Down Down Enter                                  # one HTML per team
for _ in $(seq 50); do ls "$work"/sessions/*.report-green.html >/dev/null 2>&1 && break; sleep 0.2; done
use q "q Quit";           wait_for "detente play --replay" 20

log="$(ls "$work"/sessions/*.jsonl)"
base="${log%.jsonl}"
[ -s "$base.report.html" ] || { echo "tmux_play: no facilitator report at $base.report.html" >&2; ls "$work/sessions" >&2; exit 1; }
grep -qF "$REASON" "$base.report.html" || { echo "tmux_play: the facilitator's report lacks the override's reason" >&2; exit 1; }
for team in blue red green; do
  copy="$base.report-$team.html"
  [ -s "$copy" ] || { echo "tmux_play: no report for $team" >&2; exit 1; }
  if grep -qF "$REASON" "$copy"; then echo "tmux_play: $team's report holds the override's reason" >&2; exit 1; fi
  grep -qF "$PUBLIC" "$copy" || { echo "tmux_play: $team's report lacks the public text of the override" >&2; exit 1; }
done
for secret in SALTGLASS OBSIDIAN MARIGOLD; do
  n=$( { grep -lF "$secret" "$base".report-*.html || true; } | wc -l)
  [ "$n" -le 1 ] || { echo "tmux_play: $secret is in $n teams' reports" >&2; exit 1; }
done
"${cmd[@]}" replay "$log" --verify >/dev/null
echo "tmux_play: ok (two days at 80x24 with keys on screen or in F1; ended with e; reports written; no team's copy holds the override's reason; the log verifies)"
