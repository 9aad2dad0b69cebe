#!/usr/bin/env bash
# Prints the issue-6 table from the last `make bench` (.build-bench/results.tsv and run.txt) as
# Markdown, and writes it to .build-bench/results.md for Docs/Performance.md.
set -euo pipefail
DIR="$(cd "$(dirname "$0")/.." && pwd)/.build-bench"
[ -s "$DIR/results.tsv" ] || { echo "no results yet: run make bench" >&2; exit 1; }
{
  echo
  sed 's/^/    /' "$DIR/run.txt"
  echo
  echo "| scenario | figure | measured | target | verdict |"
  echo "| --- | --- | --- | --- | --- |"
  # In the issue's order, whatever order the scenarios ran in.
  awk -F'\t' '{
    rank = 9
    if ($1 ~ /^replicate/) rank = 1; else if ($1 ~ /^local write/) rank = 2; else if ($1 ~ /^reconcile/) rank = 3
    else if ($1 ~ /^in-sync/) rank = 4; else if ($1 ~ /^bundle/) rank = 5; else if ($1 ~ /^cold start/) rank = 6
    else if ($1 ~ /^gossip/) rank = 7
    printf "%d\t%05d\t| %s | %s | %s | %s | %s |\n", rank, NR, $1, $2, $3, $4, $5 }' "$DIR/results.tsv" | sort | cut -f3-
  missed=$(awk -F'\t' '$5 == "MISSED"' "$DIR/results.tsv" | wc -l)
  echo
  echo "$(wc -l <"$DIR/results.tsv") rows, $missed targets missed."
} | tee "$DIR/results.md"
