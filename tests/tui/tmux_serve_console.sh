#!/usr/bin/env bash
# `detente serve` with the facilitator console in the host's own terminal (tmux): the codes are
# printed first (none for the facilitator), Enter opens the console, a team joins in another
# window, the console's `n` reaches it, and quitting the console stops the host with a resume line.
# Usage: tests/tui/tmux_serve_console.sh [DETENTE-COMMAND...] (default: detente on PATH).
set -euo pipefail
cmd=("$@")
[ ${#cmd[@]} -gt 0 ] || cmd=(detente)
work="$(mktemp -d)"
sock="detente-console-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
run() { printf '%q ' "${cmd[@]}" "$@"; }
tmux -L "$sock" new-session -d -s room -n host -x 80 -y 24 -c "$work" \
  "$(run serve strait_standoff --port 0 --codes "$work/codes.toml" --log "$work/s.jsonl"); sleep 60"
screen() { tmux -L "$sock" capture-pane -t "room:$1" -p; }
fail() { echo "tmux_serve_console: $2; the $1 window showed:" >&2; screen "$1" >&2; exit 1; }
wait_for() {
  local deadline=$((SECONDS + ${3:-20}))
  until screen "$1" | grep -qF -- "$2"; do
    [ $SECONDS -lt $deadline ] || fail "$1" "expected to see '$2'"
    sleep 0.2
  done
}
keys() { local w=$1 k; shift; for k in "$@"; do tmux -L "$sock" send-keys -t "room:$w" "$k"; sleep 0.3; done; }

wait_for host "press Enter to open the console"
if grep -q '^facilitator' "$work/codes.toml"; then fail host "a facilitator code was handed out"; fi
keys host Enter;          wait_for host "Escalation"
url=$(sed -n 's/^url = "\(.*\)"$/\1/p' "$work/codes.toml")
blue=$(sed -n 's/^blue = "\(.*\)"$/\1/p' "$work/codes.toml")
tmux -L "$sock" new-window -t room -n blue -c "$work" "$(run join "$url" --code "$blue"); sleep 60"
wait_for blue "connected to"
keys host n;              wait_for blue "communications"
keys host q;              wait_for host "Quit the session now?"
keys host Enter;          wait_for host "Resume with: detente serve --resume"
"${cmd[@]}" replay "$work/s.jsonl" --verify >/dev/null
echo "tmux_serve_console: ok (the console in the host's terminal drove a joined team; the log verifies)"
