#!/usr/bin/env node
// migaudit's npm launcher: runs a native migaudit binary (Native AOT: no .NET needed), passing the arguments, the
// standard streams and the exit code through. The binary comes from, in this order:
//  1. MIGAUDIT_BINARY, a path;
//  2. native/<key>/ inside this package: the self-contained package scripts/build-npm.sh makes for local installs
//     (migaudit-<version>-<key>.tgz), which has no optional dependencies a lockfile would have to resolve;
//  3. @migaudit/<key>, the platform package npm installed beside this one as an optional dependency, chosen by its
//     "os", "cpu" and (on Linux) "libc" fields.
// <key> is process.platform-process.arch, with -musl on a musl Linux (Alpine), as esbuild and Biome name theirs.
"use strict";

const fs = require("node:fs");
const path = require("node:path");

const SUPPORTED = [
  "linux-x64", "linux-arm64", "linux-x64-musl", "linux-arm64-musl",
  "darwin-x64", "darwin-arm64", "win32-x64", "win32-arm64",
];

/**
 * True on a Linux whose C library is musl. Node's diagnostic report names the glibc it runs on
 * (header.glibcVersionRuntime) and has no such field on musl; npm itself decides "libc" from the same report.
 */
function isMusl(platform, report) {
  return platform === "linux" && Boolean(report && report.header) && !report.header.glibcVersionRuntime;
}

/** The platform key of the binary this machine runs: e.g. linux-x64, linux-arm64-musl, win32-arm64. */
function platformKey(platform, arch, report) {
  return `${platform}-${arch}${isMusl(platform, report) ? "-musl" : ""}`;
}

/** The binary's file name on this platform. */
function executableName(platform) {
  return platform === "win32" ? "migaudit.exe" : "migaudit";
}

/**
 * Where the binary for this machine is, or { error } saying why there is none. The platform, the report, the
 * package's folder and require.resolve are passed in, so a test can choose for any platform.
 */
function locateBinary({ platform, arch, report, env, packageRoot, resolve }) {
  if (env.MIGAUDIT_BINARY) return { binary: env.MIGAUDIT_BINARY };
  const key = platformKey(platform, arch, report);
  if (!SUPPORTED.includes(key)) {
    return {
      error: `migaudit has no native binary for ${key}; supported: ${SUPPORTED.join(", ")}. ` +
        `Use the .NET tool instead: dotnet tool install -g migaudit`,
    };
  }
  const exe = executableName(platform);
  const bundled = path.join(packageRoot, "native", key, exe);
  if (fs.existsSync(bundled)) return { binary: bundled, key };
  const name = `@migaudit/${key}`;
  try {
    return { binary: resolve(`${name}/bin/${exe}`), key };
  } catch {
    const nativeFolder = path.join(packageRoot, "native");
    const bundledKeys = fs.existsSync(nativeFolder) ? fs.readdirSync(nativeFolder).sort() : [];
    if (bundledKeys.length > 0) {
      return {
        error: `this migaudit package was built for ${bundledKeys.join(", ")} only (its native/ folder), and this ` +
          `machine is ${key}: build the package here (bash scripts/build-npm.sh in migaudit's repository) and ` +
          `install its artifacts/npm/local/migaudit-<version>-${key}.tgz`,
      };
    }
    return {
      error: `the package ${name}, which holds migaudit's binary for this platform, is not installed. ` +
        `npm skips it when optional dependencies are turned off (--omit=optional, --no-optional) or when the ` +
        `lockfile was made on another platform: reinstall with optional dependencies, e.g. ` +
        `'npm install --save-dev migaudit'`,
    };
  }
}

function fail(message) {
  process.stderr.write(`migaudit: ${message}\n`);
  process.exit(2);
}

function main() {
  const { spawn } = require("node:child_process");
  const found = locateBinary({
    platform: process.platform,
    arch: process.arch,
    // Only Linux needs the report (glibc or musl); building it costs a few milliseconds.
    report: process.platform === "linux" ? process.report.getReport() : null,
    env: process.env,
    packageRoot: path.join(__dirname, ".."),
    resolve: require.resolve,
  });
  if (found.error) fail(found.error);

  const child = spawn(found.binary, process.argv.slice(2), { stdio: "inherit", windowsHide: true });

  // A signal sent to the launcher alone (kill, a CI runner's timeout) reaches the binary too, so 'migaudit verify'
  // cleans up its scratch database; from a terminal both already have it, and verify handles a repeat.
  const forwarded = ["SIGINT", "SIGTERM", "SIGHUP"];
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of forwarded) process.on(signal, forward);

  child.on("error", (error) => fail(`could not run ${error.path || "the migaudit binary"}: ${error.message}`));
  child.on("exit", (code, signal) => {
    if (signal) {
      // Die of the same signal, so a shell or CI sees what the binary saw (Ctrl-C stays an interruption).
      for (const name of forwarded) process.removeListener(name, forward);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  });
}

// npx and npm's bin links (and Windows' cmd shims) run this file as the main module; a test requires it to call
// locateBinary for other platforms, and the pre-commit hook's own bin (npm/pre-commit/migaudit.js) to call main.
if (require.main === module) main();

module.exports = { SUPPORTED, isMusl, platformKey, executableName, locateBinary, main };
