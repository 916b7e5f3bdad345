#!/bin/bash
# Instructions per evaluation of the native Timeloop-style model on each reference case, which
# unlike times do not vary with the machine's load: bench_timeloop runs N and then 2N evaluations
# under valgrind's callgrind, and the difference over N leaves out loading the inputs.
#
# usage: bench/timeloop/callgrind_per_eval.sh [BENCH_TIMELOOP] [N] [CASE_DIR...]
#   defaults: build/release/bench/timeloop/bench_timeloop, 20, every case in tests/data/timeloop
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$here/build/release/bench/timeloop/bench_timeloop}
n=${2:-20}
shift $(( $# > 2 ? 2 : $# ))
cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
  for d in "$here"/tests/data/timeloop/*/; do [ -f "$d/mapping.yaml" ] && cases+=("${d%/}"); done
fi
refs() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" --evals "$1" "$2" 2>&1 |
    sed -n 's/.*I *refs: *//p' | tr -d ,
}
printf "%-58s %16s\n" case "instructions/eval"
for c in "${cases[@]}"; do
  a=$(refs "$n" "$c")
  b=$(refs $((2 * n)) "$c")
  printf "%-58s %16d\n" "$(basename "$c")" $(((b - a) / n))
done
