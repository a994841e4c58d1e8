#!/usr/bin/env bash
# Training time to early stop measured alone (issue #10): every other training run is paused
# (SIGSTOP) while these run one at a time, then resumed. Same seeded configs as the shipped
# models (--no-ship: the models stay in .cache/train/, the logs go to bench/results/train-<name>.json).
#   nohup bench/train-alone.sh > .cache/train-queue/alone.log 2>&1 &
# A shipped model trained with a --config (the width-128 LLM2BERT4Rec) is repeated with that file:
#   ALONE_MODELS=llm2bert4rec ALONE_CONFIG=bench/configs/width-128.json ALONE_TAG=-d128 bench/train-alone.sh
# runs `llm2bert4rec-d128-alone` (npm run bench finds it by name and counts it if it reproduced).
# ALONE_THREADS=2 trains on both cores (`--threads 2`, data-parallel).
# ALONE_EMBEDDINGS=<name> starts an LLM2* model from those embeddings of the manifest (`--embeddings`).
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
  run "$m${ALONE_TAG:-}-alone" --model "$m" --name "$m${ALONE_TAG:-}-alone" ${ALONE_CONFIG:+--config "$ALONE_CONFIG"} ${ALONE_THREADS:+--threads "$ALONE_THREADS"} ${ALONE_EMBEDDINGS:+--embeddings "$ALONE_EMBEDDINGS"} --no-ship
done
