#!/bin/sh
# smoke.sh, then the panic message of every crash artifact of TARGET (and removes them).
target=$1; seconds=$2
./smoke.sh "$target" "$seconds" > logs/smoke-"$target".out 2>&1
grep -E "stat::|Done [0-9]+ runs" logs/smoke-"$target".out
for f in artifacts/"$target"/*; do
  [ -f "$f" ] || continue
  ./target/x86_64-unknown-linux-gnu/release/"$target" "$f" 2>&1 | grep -A5 "panicked\|stack overflow\|ERROR"
  mv "$f" logs/
done
