#!/usr/bin/env bash
# Builds migaudit as a Native AOT binary for one runtime (default: this machine's) into artifacts/native/<rid>/.
# Usage: scripts/build-native.sh [RID]     e.g. linux-x64, linux-musl-arm64, osx-arm64, win-x64, win-arm64
# Native AOT compiles for the platform it runs on: build each RID on its own runner (.github/workflows/npm.yml).
# Needs the .NET SDK and a C toolchain (clang or gcc, and zlib's headers on Linux; on Alpine: apk add clang
# build-base zlib-dev; on Windows: Visual Studio's C++ tools for the target's architecture).
set -euo pipefail
cd "$(dirname "$0")/.."

rid="${1:-}"
if [ -z "$rid" ]; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) rid=linux-x64 ;;
    Linux-aarch64 | Linux-arm64) rid=linux-arm64 ;;
    Darwin-x86_64) rid=osx-x64 ;;
    Darwin-arm64) rid=osx-arm64 ;;
    # Git Bash may itself run emulated as x64 on Windows on Arm; Windows names the machine's own architecture in
    # PROCESSOR_ARCHITEW6432 for an emulated process, else in PROCESSOR_ARCHITECTURE.
    MINGW* | MSYS* | CYGWIN*)
      case "${PROCESSOR_ARCHITEW6432:-${PROCESSOR_ARCHITECTURE:-}}" in
        ARM64) rid=win-arm64 ;;
        *) rid=win-x64 ;;
      esac ;;
    *) echo "build-native: unknown platform $(uname -s)-$(uname -m); pass a runtime identifier" >&2; exit 2 ;;
  esac
  # musl Linux (Alpine) needs its own runtime: a glibc binary does not start there. ldd names its C library (musl's
  # prints its name in its usage and exits 1, hence the || true: a pipe into grep would fail under pipefail).
  case "$rid" in
    linux-*) case "$(ldd --version 2>&1 || true)" in *musl*) rid="linux-musl-${rid#linux-}" ;; esac ;;
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
