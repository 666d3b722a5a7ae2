#!/usr/bin/env bash
# Builds migaudit's npm packages for this platform as `npm pack` tarballs in artifacts/npm/:
#   migaudit-<version>.tgz               the launcher (the same on every platform)
#   migaudit-<os>-<cpu>-<version>.tgz    @migaudit/<os>-<cpu>, the Native AOT binary (scripts/build-native.sh)
# Usage: scripts/build-npm.sh [RID]   (default: this machine's; the other platforms build on their own runners,
# .github/workflows/npm.yml). The version is the CLI project's <Version>.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' src/MigAudit.Cli/MigAudit.Cli.csproj)
[ -n "$version" ] || { echo "build-npm: no <Version> in src/MigAudit.Cli/MigAudit.Cli.csproj" >&2; exit 1; }

binary=$(bash scripts/build-native.sh "$@")
rid=$(basename "$(dirname "$binary")")
case "$rid" in
  linux-x64) os=linux cpu=x64 ;;
  linux-arm64) os=linux cpu=arm64 ;;
  osx-x64) os=darwin cpu=x64 ;;
  osx-arm64) os=darwin cpu=arm64 ;;
  win-x64) os=win32 cpu=x64 ;;
  *) echo "build-npm: no npm package for runtime $rid" >&2; exit 2 ;;
esac

out=artifacts/npm
stage="$out/stage"
rm -rf "$stage"
mkdir -p "$stage/launcher" "$stage/platform/bin"

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

# The platform package: npm installs it only where "os", "cpu" (and on Linux "libc") match.
cp "$binary" "$stage/platform/bin/"
node -e '
  const fs = require("fs"); const [file, version, os, cpu, exe] = process.argv.slice(1);
  const pkg = {
    name: `@migaudit/${os}-${cpu}`,
    version,
    description: `The migaudit binary for ${os} ${cpu} (Native AOT; installed by the migaudit package).`,
    license: "MIT",
    os: [os],
    cpu: [cpu],
    ...(os === "linux" ? { libc: ["glibc"] } : {}),
    files: [`bin/${exe}`],
    preferUnplugged: true,
  };
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
' "$stage/platform/package.json" "$version" "$os" "$cpu" "$(basename "$binary")"

(cd "$stage/launcher" && npm pack --silent --pack-destination "$PWD/../..") >/dev/null
(cd "$stage/platform" && npm pack --silent --pack-destination "$PWD/../..") >/dev/null
rm -rf "$stage"

# npm pack leaves out a missing file without a word: check that each package holds what it runs. (grep reads the
# whole list: with -q it would stop early and tar would die of SIGPIPE under pipefail.)
tar tzf "$out/migaudit-$version.tgz" | grep -x 'package/bin/migaudit.js' >/dev/null || { echo "build-npm: the launcher package has no bin/migaudit.js" >&2; exit 1; }
tar tzf "$out/migaudit-$os-$cpu-$version.tgz" | grep -x "package/bin/$(basename "$binary")" >/dev/null || { echo "build-npm: the $os-$cpu package has no binary" >&2; exit 1; }
for package in "$out/migaudit-$version.tgz" "$out/migaudit-$os-$cpu-$version.tgz"; do
  tar tzf "$package" | grep -x 'package/LICENSE' >/dev/null || { echo "build-npm: $package has no LICENSE" >&2; exit 1; }
done
ls "$out"/migaudit-"$version".tgz "$out"/migaudit-"$os"-"$cpu"-"$version".tgz
