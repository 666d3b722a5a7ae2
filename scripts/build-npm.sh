#!/usr/bin/env bash
# Builds migaudit's npm packages for this platform as `npm pack` tarballs:
#   artifacts/npm/migaudit-<version>.tgz              the launcher (the same on every platform), published to npm
#   artifacts/npm/migaudit-<key>-<version>.tgz        @migaudit/<key>, the Native AOT binary (scripts/build-native.sh),
#                                                     published; the launcher names it as an optional dependency
#   artifacts/npm/local/migaudit-<version>-<key>.tgz  the launcher with this binary inside (native/<key>/) and no
#                                                     optional dependencies: the package to install without the
#                                                     registry, which a lockfile records whole, so `npm ci` stays green
# <key> is npm's platform-arch (-musl on musl Linux): linux-x64, linux-arm64-musl, darwin-arm64, win32-arm64, ...
# Usage: scripts/build-npm.sh [RID]   (default: this machine's; the other platforms build on their own runners,
# .github/workflows/npm.yml). MIGAUDIT_NATIVE_BINARY=artifacts/native/<rid>/migaudit packages that binary instead of
# building one (its folder names the RID unless one is given). The version is the CLI project's <Version>.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' src/MigAudit.Cli/MigAudit.Cli.csproj)
[ -n "$version" ] || { echo "build-npm: no <Version> in src/MigAudit.Cli/MigAudit.Cli.csproj" >&2; exit 1; }

if [ -n "${MIGAUDIT_NATIVE_BINARY:-}" ]; then
  binary=$MIGAUDIT_NATIVE_BINARY
  rid=${1:-$(basename "$(dirname "$binary")")}
else
  binary=$(bash scripts/build-native.sh "$@")
  rid=$(basename "$(dirname "$binary")")
fi
[ -f "$binary" ] || { echo "build-npm: no binary at $binary" >&2; exit 1; }
# .NET's runtime identifier -> npm's os, cpu and libc ("libc" only on Linux, as npm checks it only there).
case "$rid" in
  linux-x64) os=linux cpu=x64 libc=glibc ;;
  linux-arm64) os=linux cpu=arm64 libc=glibc ;;
  linux-musl-x64) os=linux cpu=x64 libc=musl ;;
  linux-musl-arm64) os=linux cpu=arm64 libc=musl ;;
  osx-x64) os=darwin cpu=x64 libc= ;;
  osx-arm64) os=darwin cpu=arm64 libc= ;;
  win-x64) os=win32 cpu=x64 libc= ;;
  win-arm64) os=win32 cpu=arm64 libc= ;;
  *) echo "build-npm: no npm package for runtime $rid" >&2; exit 2 ;;
esac
key="$os-$cpu$([ "$libc" = musl ] && echo -musl || true)"
exe=$(basename "$binary")

out=artifacts/npm
stage="$out/stage"
rm -rf "$stage"
mkdir -p "$stage/launcher" "$stage/platform/bin" "$stage/local/native/$key" "$out/local"

# The launcher, with every version stamped from the project's. Each package carries the repository's LICENSE (npm
# packs a LICENSE file in the package root whatever "files" says).
cp -R npm/migaudit/. "$stage/launcher/"
cp LICENSE "$stage/launcher/"
cp LICENSE "$stage/platform/"
node -e '
  const fs = require("fs"); const [file, version] = process.argv.slice(1);
  const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
  pkg.version = version;
  for (const name of Object.keys(pkg.optionalDependencies)) pkg.optionalDependencies[name] = version;
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
' "$stage/launcher/package.json" "$version"

# The self-contained package: the same launcher, which runs native/<key>/ first, and no optional dependencies. With
# them, the launcher and platform tarballs installed by path fail npm 11's next `npm ci` (npm 10.9 let it pass): the
# lockfile holds only the platform package that was installed, and npm ci finds the launcher's other optional
# dependencies missing from it ("Missing: @migaudit/darwin-arm64@ from lock file") and stops.
cp -R "$stage/launcher/." "$stage/local/"
cp "$binary" "$stage/local/native/$key/"
node -e '
  const fs = require("fs"); const [file, key, exe] = process.argv.slice(1);
  const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
  delete pkg.optionalDependencies;
  pkg.description += ` This package holds the binary for ${key} itself, for installs without the npm registry.`;
  pkg.files.push(`native/${key}/${exe}`);
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
' "$stage/local/package.json" "$key" "$exe"

# The platform package: npm installs it only where "os", "cpu" (and on Linux "libc") match. npm before 10.4 ignores
# "libc" and installs both Linux packages of a cpu; the launcher still runs the one for this machine's C library.
cp "$binary" "$stage/platform/bin/"
node -e '
  const fs = require("fs"); const [file, version, key, os, cpu, libc, exe] = process.argv.slice(1);
  const pkg = {
    name: `@migaudit/${key}`,
    version,
    description: `The migaudit binary for ${os} ${cpu}${libc ? ` (${libc})` : ""} (Native AOT; installed by the migaudit package).`,
    license: "MIT",
    os: [os],
    cpu: [cpu],
    ...(libc ? { libc: [libc] } : {}),
    files: [`bin/${exe}`],
    preferUnplugged: true,
  };
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
' "$stage/platform/package.json" "$version" "$key" "$os" "$cpu" "$libc" "$exe"

(cd "$stage/launcher" && npm pack --silent --pack-destination "$PWD/../..") >/dev/null
(cd "$stage/platform" && npm pack --silent --pack-destination "$PWD/../..") >/dev/null
# npm pack names it migaudit-<version>.tgz, as the launcher: it is renamed for its platform.
(cd "$stage/local" && npm pack --silent --pack-destination "$PWD/..") >/dev/null
mv "$stage/migaudit-$version.tgz" "$out/local/migaudit-$version-$key.tgz"
rm -rf "$stage"

launcher="$out/migaudit-$version.tgz"
platform="$out/migaudit-$key-$version.tgz"
local="$out/local/migaudit-$version-$key.tgz"
# npm pack leaves out a missing file without a word: check that each package holds what it runs. (grep reads the
# whole list: with -q it would stop early and tar would die of SIGPIPE under pipefail.)
tar tzf "$launcher" | grep -x 'package/bin/migaudit.js' >/dev/null || { echo "build-npm: the launcher package has no bin/migaudit.js" >&2; exit 1; }
tar tzf "$platform" | grep -x "package/bin/$exe" >/dev/null || { echo "build-npm: the $key package has no binary" >&2; exit 1; }
tar tzf "$local" | grep -x "package/native/$key/$exe" >/dev/null || { echo "build-npm: $local has no binary" >&2; exit 1; }
tar tzf "$local" | grep -x 'package/bin/migaudit.js' >/dev/null || { echo "build-npm: $local has no bin/migaudit.js" >&2; exit 1; }
for package in "$launcher" "$platform" "$local"; do
  tar tzf "$package" | grep -x 'package/LICENSE' >/dev/null || { echo "build-npm: $package has no LICENSE" >&2; exit 1; }
done
ls "$launcher" "$platform" "$local"
