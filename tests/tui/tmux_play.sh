#!/usr/bin/env bash
# Plays a turn of `detente play` in a real terminal (tmux): keys in with send-keys, the
# screen read back with capture-pane. Usage: tests/tui/tmux_play.sh [DETENTE-COMMAND...]
# (default: detente on PATH). Exits non-zero, saying what it expected, on any failure.
set -euo pipefail
cmd=("$@")
[ ${#cmd[@]} -gt 0 ] || cmd=(detente)
work="$(mktemp -d)"
sock="detente-test-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT

tmux -L "$sock" new-session -d -s play -x 80 -y 24 -c "$work" \
  "$(printf '%q ' "${cmd[@]}") play strait_standoff --sessions $work/sessions; sleep 30"

screen() { tmux -L "$sock" capture-pane -t play -p; }
wait_for() {  # wait_for TEXT [SECONDS]
  local deadline=$((SECONDS + ${2:-20}))
  until screen | grep -qF -- "$1"; do
    if [ $SECONDS -ge $deadline ]; then
      echo "tmux_play: expected to see '$1'; the screen was:" >&2; screen >&2; exit 1
    fi
    sleep 0.2
  done
}
keys() { tmux -L "$sock" send-keys -t play "$@"; sleep 0.4; }

wait_for "Day 1"
wait_for "briefing"
keys n;      wait_for "communications"
keys t;      wait_for "Which team takes the keyboard?"
keys Enter;  wait_for "Pass the keyboard to"
if screen | grep -q "SALTGLASS"; then echo "tmux_play: the hand-over screen shows a team's secret" >&2; exit 1; fi
keys Enter;  wait_for "Your briefing"
keys Escape; wait_for "Hand the keyboard back to the facilitator"
keys Enter;  wait_for "Only the facilitator opens the console"   # a team's Enter does not
keys C-f;    wait_for "Escalation"                               # the facilitator's key (no PIN set)
keys n;      wait_for "orders"
keys n;      wait_for "Still to act"
keys Enter;  wait_for "Adjudication review"
wait_for "Rolls"
keys p;      wait_for "Debrief"
wait_for "Tension per pair"
keys Escape; wait_for "debrief"
keys n;      wait_for "Day 2"
keys q;      wait_for "Quit the session now?"
keys Enter;  wait_for "Resume with: detente play --resume"

log="$(ls "$work"/sessions/*.jsonl)"
"${cmd[@]}" replay "$log" --verify >/dev/null
echo "tmux_play: ok (played Day 1 in a real terminal; the log verifies)"
