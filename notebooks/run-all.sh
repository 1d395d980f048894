#!/usr/bin/env bash
# Executes every notebook headless (as CI does) against a run's output: $TOKENTM_OUTPUT, or the
# demo's tokentm-output/, made first when missing. Fails when any cell fails.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
output="${TOKENTM_OUTPUT:-$root/tokentm-output}"
if [[ ! -f "$output/summary.json" ]]; then
  (cd "$root" && bin/tokentm explain --output "$output")
fi
"$root/notebooks/install-kernel.sh"
executed="$root/spark-job/target/notebooks-executed"
mkdir -p "$executed"
for notebook in "$root"/notebooks/*.ipynb; do
  echo "notebooks: executing $(basename "$notebook")"
  (cd "$root/notebooks" && TOKENTM_OUTPUT="$output" jupyter nbconvert --to notebook --execute \
    --ExecutePreprocessor.kernel_name=tokentm-java --ExecutePreprocessor.timeout=900 \
    --ExecutePreprocessor.startup_timeout=180 \
    --output-dir "$executed" "$notebook" --log-level WARN)
done
echo "notebooks: all executed; results in $executed"
