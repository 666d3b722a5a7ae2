#!/usr/bin/env bash
# Builds migaudit as a Native AOT binary for one runtime (default: this machine's) into artifacts/native/<rid>/.
# Usage: scripts/build-native.sh [RID]     e.g. linux-x64, linux-arm64, osx-arm64, win-x64
# Native AOT compiles for the platform it runs on: build each RID on its own runner (.github/workflows/npm.yml).
# Needs the .NET SDK and a C toolchain (clang or gcc, and zlib's headers on Linux).
set -euo pipefail
cd "$(dirname "$0")/.."

rid="${1:-}"
if [ -z "$rid" ]; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) rid=linux-x64 ;;
    Linux-aarch64 | Linux-arm64) rid=linux-arm64 ;;
    Darwin-x86_64) rid=osx-x64 ;;
    Darwin-arm64) rid=osx-arm64 ;;
    MINGW* | MSYS* | CYGWIN*) rid=win-x64 ;;
    *) echo "build-native: unknown platform $(uname -s)-$(uname -m); pass a runtime identifier" >&2; exit 2 ;;
  esac
fi

out="artifacts/native/$rid"
rm -rf "$out"
# Warnings are errors in src/: a trim or AOT warning fails the build instead of shipping a binary that may break.
dotnet publish src/MigAudit.Cli -c Release -r "$rid" -p:PublishAot=true -p:StripSymbols=true \
  -o "$out" --nologo -v quiet >&2
# Only the binary ships; the symbol files stay out of the packages.
find "$out" -type f ! -name migaudit ! -name migaudit.exe -delete
echo "$out/migaudit$([ "${rid%%-*}" = win ] && echo .exe || true)"
