#!/bin/sh
# Rebuilds TARGET and runs it for SECONDS directly (no corpus kept): a quick check while editing.
set -e
target=$1; seconds=$2
nice cargo +nightly fuzz build -s none -a "$target" >/dev/null 2>&1 || nice cargo +nightly fuzz build -s none -a "$target"
exec nice ./target/x86_64-unknown-linux-gnu/release/"$target" -max_total_time="$seconds" -artifact_prefix=artifacts/"$target"/ 2>&1
