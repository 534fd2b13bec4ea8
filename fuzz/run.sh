#!/bin/sh
# Runs one fuzz target for SECONDS in the background-friendly way used for the issue 6 runs:
# one process (libFuzzer's default: -jobs/-workers not given, so two targets can run side by side
# without sharing a fuzz-0.log), niced. Usage: ./run.sh TARGET SECONDS [extra corpus dirs...]
set -e
target=$1; seconds=$2; shift 2
case $target in
  policy_load) extra="-dict=policy.dict" ;;
  expression) extra="-dict=expression.dict" ;;
  *) extra="" ;;
esac
mkdir -p corpus/$target logs
exec nice -n 10 cargo +nightly fuzz run -s none -a "$target" "corpus/$target" "$@" -- \
  -max_total_time="$seconds" -print_final_stats=1 $extra
