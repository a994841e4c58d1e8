#!/usr/bin/env bash
# Training time to early stop measured alone (issue #10): every other training run is paused
# (SIGSTOP) while these run one at a time, then resumed. Same seeded configs as the shipped
# models (--no-ship: the models stay in .cache/train/, the logs go to bench/results/train-<name>.json).
#   nohup bench/train-alone.sh > .cache/train-queue/alone.log 2>&1 &
# Resumable like the queues (.done markers); a resumed run's time is the sum of its epochs.
set -u
cd "$(dirname "$0")/.."
Q=.cache/train-queue
DATASET=beauty
mkdir -p "$Q"
. bench/train-queue-lib.sh
others=$(pgrep -f "cli.ts train" | tr '\n' ' ')
[ -n "$others" ] && kill -STOP $others
trap '[ -n "$others" ] && kill -CONT $others' EXIT
for m in ${ALONE_MODELS:-sasrec llm2sasrec llm2gru4rec gru4rec}; do
  run "$m-alone" --model "$m" --name "$m-alone" --no-ship
done
