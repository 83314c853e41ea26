#!/usr/bin/env bash
# A workshop in real terminals (tmux): `detente serve --headless --codes F`, then a facilitator
# and three teams each `detente join` in their own 80x24 window, and they play a day together —
# a hotline call rung from one window and answered in another, lines typed on both sides, orders
# sealed by all three at once, the results published to every screen. Then the host is stopped
# with Ctrl+C and its log verifies. Usage: tests/tui/tmux_serve.sh [DETENTE-COMMAND...]
# (default: detente on PATH). Exits non-zero, saying what it expected, on any failure.
set -euo pipefail
cmd=("$@")
[ ${#cmd[@]} -gt 0 ] || cmd=(detente)
work="$(mktemp -d)"
sock="detente-serve-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
run() { printf '%q ' "${cmd[@]}" "$@"; }

tmux -L "$sock" new-session -d -s room -n host -x 80 -y 24 -c "$work" \
  "$(run serve strait_standoff --headless --port 0 --codes "$work/codes.toml" --log "$work/s.jsonl"); sleep 60"

screen() { tmux -L "$sock" capture-pane -t "room:$1" -p; }
fail() { echo "tmux_serve: $2; the $1 window showed:" >&2; screen "$1" >&2; exit 1; }
wait_for() {  # wait_for WINDOW TEXT [SECONDS]
  local deadline=$((SECONDS + ${3:-20}))
  until screen "$1" | grep -qF -- "$2"; do
    [ $SECONDS -lt $deadline ] || fail "$1" "expected to see '$2'"
    sleep 0.2
  done
}
keys() { local w=$1 k; shift; for k in "$@"; do tmux -L "$sock" send-keys -t "room:$w" "$k"; sleep 0.3; done; }
text() { tmux -L "$sock" send-keys -t "room:$1" -l "$2"; sleep 0.3; }

wait_for host "Serving."
url=$(sed -n 's/^url = "\(.*\)"$/\1/p' "$work/codes.toml")
code() { sed -n "s/^$1 = \"\(.*\)\"$/\1/p" "$work/codes.toml"; }
for role in facilitator blue red green; do
  tmux -L "$sock" new-window -t room -n "$role" -c "$work" "$(run join "$url" --code "$(code "$role")"); sleep 60"
done
wait_for facilitator "as Facilitator"
for team in blue red green; do wait_for "$team" "connected to"; done
if screen blue | grep -q "OBSIDIAN\|MARIGOLD"; then fail blue "Azuria's screen shows another team's secret"; fi

# -- communications: a call rung in one window rings in another ----------------------------
keys facilitator n;       for team in blue red green; do wait_for "$team" "communications"; done
keys blue Enter;          wait_for blue "Hotline call — costs 1"
keys blue Enter Down Enter Enter; wait_for blue "ringing"
wait_for red "Republic of Azuria: Hotline call"                  # it rang in Corvania's window
keys red a c;             wait_for red "call open"
text red "We hear you."; keys red Enter
keys blue c;              wait_for blue "Corvanian Federation: We hear you."
text blue "Then keep the channel clear."; keys blue Enter
wait_for red "Republic of Azuria: Then keep the channel clear."
keys red F3;              wait_for red "calls (c opens)"
keys blue Escape

# -- orders: three teams seal at the same time ----------------------------------------------
keys facilitator n;       for team in blue red green; do wait_for "$team" "orders"; done
keys blue Enter; keys red Down Down Down Enter; keys green s       # all three at work at once
wait_for blue "Notify an activity — costs 1"; wait_for red "Deploy a force — costs 2"
keys blue Enter Down Enter Enter Down Enter Enter
keys red Enter Down Enter Enter Down Enter Enter
wait_for green "no orders: pass this turn"; keys green Enter
wait_for blue "1. Notify an activity"; wait_for red "1. Deploy a force"
keys blue s; keys red s
wait_for blue "Seal these orders?"; wait_for red "Seal these orders?"
keys blue Enter; keys red Enter
for team in blue red green; do wait_for "$team" "Your orders are sealed"; done

# -- the results reach every screen --------------------------------------------------------
keys facilitator n;       wait_for facilitator "Adjudication review"
keys facilitator p;       wait_for facilitator "Debrief"
keys facilitator Escape n
for team in blue red green; do wait_for "$team" "Day 2"; done

tmux -L "$sock" send-keys -t room:host C-c
wait_for host "Resume with"
"${cmd[@]}" replay "$work/s.jsonl" --verify >/dev/null
echo "tmux_serve: ok (a host and four joined windows played Day 1 together; the log verifies)"
