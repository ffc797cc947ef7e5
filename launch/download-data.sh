#!/usr/bin/env bash
# Fetches the public datasets lacos uses into DATA (default: $LACOS_DATA, else ./data), checks
# every file's sha256 against launch/data-manifest.tsv (the same files, byte for byte, as the
# folder CI uses), then builds DATA/derived/ with lacos-prepare-data.
#
#   launch/download-data.sh [DATA] [--no-prepare]
#
# LACOS_DATA_URL replaces https://raw.githubusercontent.com (a mirror with the same
# <repo>/<commit>/<path> layout; file:// works), LACOS_DATA_MANIFEST the manifest.
#
# Files already present with the right checksum are not fetched again. Licences differ per
# dataset (XNLI and SICK are non-commercial): see docs/data.md before using them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
prepare_step=1
args=()
for arg in "$@"; do
  case "$arg" in --no-prepare) prepare_step=0 ;; *) args+=("$arg") ;; esac
done
data=${args[0]:-${LACOS_DATA:-data}}
manifest=${LACOS_DATA_MANIFEST:-$here/data-manifest.tsv}
base_url=${LACOS_DATA_URL:-https://raw.githubusercontent.com}
command -v curl >/dev/null || { echo "download-data: curl is required (apt-get install curl)" >&2; exit 1; }

mkdir -p "$data"
fetched=0; kept=0; failed=0
while IFS=$'\t' read -r dest repo commit path sha; do
  case "$dest" in '#'*|'') continue ;; esac
  target="$data/$dest"
  if [ -f "$target" ] && echo "$sha  $target" | sha256sum -c --status 2>/dev/null; then
    kept=$((kept + 1)); continue
  fi
  mkdir -p "$(dirname "$target")"
  url="$base_url/$repo/$commit/$path"
  if curl -fsSL --retry 3 -o "$target.part" "$url" && echo "$sha  $target.part" | sha256sum -c --status; then
    mv "$target.part" "$target"; fetched=$((fetched + 1)); echo "download-data: $dest"
  else
    rm -f "$target.part"; failed=$((failed + 1)); echo "download-data: FAILED $dest (from $url)" >&2
  fi
done < "$manifest"
echo "download-data: $fetched fetched, $kept already present, $failed failed, into $data"
[ "$failed" -eq 0 ] || { echo "download-data: rerun to retry the failed files" >&2; exit 1; }

[ "$prepare_step" -eq 1 ] || exit 0
prepare="$root/build/bin/lacos-prepare-data"
[ -x "$prepare" ] || "$root/launch/setup.sh"
"$prepare" --data "$data"
echo "download-data: done; export LACOS_DATA=$(cd "$data" && pwd)"
