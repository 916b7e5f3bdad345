#!/usr/bin/env bash
# Puts the Timeloop/Accelergy exercises (Accelergy-Project/timeloop-accelergy-exercises, MIT
# licence) in third_party/timeloop-accelergy-exercises at the commit whose published reference
# outputs the claims in this folder cite: 2ffec693ced8 (29 May 2024, "Update Aladdin & regenerate
# refs"), where every input file is the one those outputs were made from.
#
#   bash claims/timeloop/published/fetch.sh
#   CLAIMCHECK_EXERCISES_URL=/path/to/a/mirror bash claims/timeloop/published/fetch.sh
set -euo pipefail
root="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
url="${CLAIMCHECK_EXERCISES_URL:-https://github.com/Accelergy-Project/timeloop-accelergy-exercises}"
commit=2ffec693ced8e60a46c1131e9e4a387ac007d410
dest="$root/third_party/timeloop-accelergy-exercises"
if [ ! -d "$dest/.git" ]; then
  mkdir -p "$root/third_party"
  git clone --quiet "$url" "$dest"
fi
if ! git -C "$dest" cat-file -e "$commit^{commit}" 2>/dev/null; then
  git -C "$dest" fetch --quiet origin
fi
git -C "$dest" -c advice.detachedHead=false checkout --quiet "$commit"
echo "third_party/timeloop-accelergy-exercises at $(git -C "$dest" rev-parse --short HEAD)"
