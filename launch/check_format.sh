#!/usr/bin/env bash
# Checks that framework/ and tests/ follow .clang-format (ctest Style.ClangFormat).
#   launch/check_format.sh          # check: lists the files that differ, exit 1 if any
#   launch/check_format.sh --fix    # rewrite them in place
# Other clang-format versions break lines differently, so the check runs with 14 (Debian 12's,
# installed by launch/setup.sh) and skips (77) without it.
set -euo pipefail
cd "$(dirname "$0")/.."
tool=${CLANG_FORMAT:-clang-format}
if ! command -v "$tool" >/dev/null || ! "$tool" --version | grep -q 'version 14\.'; then
  echo "check_format: clang-format 14 not found; skipped"
  exit 77
fi
mapfile -t files < <(git ls-files 'framework/*.cpp' 'framework/*.h' 'tests/*.cpp' 'tests/*.h' 2>/dev/null ||
                     find framework tests -name '*.cpp' -o -name '*.h')
if [ "${1:-}" = "--fix" ]; then
  "$tool" -i "${files[@]}"
  exit 0
fi
bad=()
for file in "${files[@]}"; do
  "$tool" --dry-run --Werror "$file" >/dev/null 2>&1 || bad+=("$file")
done
if [ ${#bad[@]} -gt 0 ]; then
  printf 'not formatted (run launch/check_format.sh --fix): %s\n' "${bad[@]}"
  exit 1
fi
echo "check_format: ${#files[@]} files follow .clang-format"
