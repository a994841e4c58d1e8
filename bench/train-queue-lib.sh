# Shared by the training queues (bench/train-queue*.sh): run one resumable `cli train` unless it
# already finished with the same arguments (a run finished under a smaller epoch cap resumes from
# its checkpoint when the cap is raised). Needs Q (the queue's folder) and DATASET.
run() { # name, then the cli train arguments
  local name=$1
  shift
  if [ -e "$Q/$name.done" ] && { [ ! -s "$Q/$name.done" ] || [ "$(cat "$Q/$name.done")" = "$*" ]; }; then
    echo "$(date -u +%FT%TZ) skip $name (done)"
    return
  fi
  # One process per run: another queue (or a side run) training the same name is skipped, not joined.
  exec 8>"$Q/$name.lock"
  if ! flock -n 8; then
    echo "$(date -u +%FT%TZ) skip $name (another process is training it)"
    exec 8>&-
    return
  fi
  echo "$(date -u +%FT%TZ) start $name: $*"
  if npx tsx src/node/cli.ts train --dataset "$DATASET" --resume --quiet "$@" >>"$Q/$name.log" 2>&1; then
    echo "$*" > "$Q/$name.done"
    echo "$(date -u +%FT%TZ) done $name"
  else
    echo "$(date -u +%FT%TZ) FAILED $name (see $Q/$name.log)"
  fi
  exec 8>&-
}
