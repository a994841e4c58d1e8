#!/usr/bin/env bash
# The long training runs of issue #10, one at a time (2 shared cores), each resumable:
#   nohup bench/train-queue.sh > .cache/train-queue/queue.log 2>&1 &
# Every run checkpoints each epoch under .cache/train/beauty/<name>/ and is started with
# --resume, so re-running this script after a kill continues where it stopped; finished runs
# leave .cache/train-queue/<name>.done and are skipped. Per-run logs: .cache/train-queue/<name>.log.
# (Edit this file by writing a copy and renaming it over this one: a running bash reads its script
# as it goes.) Shipped runs (no --no-ship) write public/models/beauty/<name>/ and manifest.json: compare their
# inner validation with the committed model's before committing them.
set -u
cd "$(dirname "$0")/.."
Q=.cache/train-queue
mkdir -p "$Q"
exec 9>"$Q/lock"
flock -n 9 || { echo "another train-queue is running"; exit 1; }

DATASET=beauty
. bench/train-queue-lib.sh

run llm2bert4rec --model llm2bert4rec
run bert4rec --model bert4rec
# The control before the second seeds: it tells whether the LLM start is what helps.
run llm2bert4rec-permuted --model llm2bert4rec --permute
run llm2bert4rec-seed2 --model llm2bert4rec --name llm2bert4rec-seed2 --config bench/configs/seed2.json --no-ship
run bert4rec-seed2 --model bert4rec --name bert4rec-seed2 --config bench/configs/seed2.json --no-ship
# The first BERT4Rec run stopped at an 8-epoch cap (the session's budget): resumed to early stop, and shipped.
run bert4rec-early-stop --model bert4rec
# Width 128: all of potion-base-4M's 128 dimensions in the LLM start (PCA to 64 keeps part of
# them; the paper's 208 are out of reach of a 128-d embedder), and the BERT4Rec control at the same width.
run llm2bert4rec-d128 --model llm2bert4rec --name llm2bert4rec-d128 --config bench/configs/width-128.json --no-ship
run bert4rec-d128 --model bert4rec --name bert4rec-d128 --config bench/configs/width-128.json --no-ship
# The second seed of the width-128 pair (the shipped LLM2BERT4Rec is width 128, seed 42).
run llm2bert4rec-d128-seed2 --model llm2bert4rec --name llm2bert4rec-d128-seed2 --config bench/configs/width-128-seed2.json --no-ship
run bert4rec-d128-seed2 --model bert4rec --name bert4rec-d128-seed2 --config bench/configs/width-128-seed2.json --no-ship
# (SASRec, LLM2SASRec, GRU4Rec and LLM2GRU4Rec are not in this queue: their runs to early stop are
# `<model>-early-stop` (bench/train-alone.sh times them), and which of those is shipped was decided
# on their numbers, README; a `run <model>` here would train or re-ship the shipped name.)
# The LLM start variants of LLM2BERT4Rec, compared on inner validation (never shipped by the queue).
run llm2bert4rec-init-std --model llm2bert4rec --name llm2bert4rec-init-std --config bench/configs/llm-scale-init-std.json --no-ship
run llm2bert4rec-random-projection --model llm2bert4rec --name llm2bert4rec-random-projection --config bench/configs/llm-random-projection.json --no-ship
run llm2bert4rec-autoencoder --model llm2bert4rec --name llm2bert4rec-autoencoder --config bench/configs/llm-autoencoder.json --no-ship
echo "$(date -u +%FT%TZ) queue finished"
