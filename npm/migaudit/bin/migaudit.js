#!/usr/bin/env node
// migaudit's npm launcher: runs the native binary of the platform package npm installed beside this one
// (@migaudit/<platform>-<arch>, an optional dependency chosen by its "os", "cpu" and "libc" fields), passing the
// arguments, the standard streams and the exit code through. No .NET is needed: the binary is Native AOT.
"use strict";

const { spawn } = require("node:child_process");

const SUPPORTED = ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64", "win32-x64"];

function isMusl() {
  // Node reports the glibc version it runs on; on musl (Alpine) there is none.
  if (process.platform !== "linux") return false;
  const report = process.report && typeof process.report.getReport === "function" ? process.report.getReport() : null;
  return report ? !report.header.glibcVersionRuntime : false;
}

function binaryPath() {
  if (process.env.MIGAUDIT_BINARY) return process.env.MIGAUDIT_BINARY;
  const key = `${process.platform}-${process.arch}`;
  if (!SUPPORTED.includes(key) || isMusl()) {
    fail(`migaudit has no native binary for ${key}${isMusl() ? " with musl libc" : ""}; ` +
      `supported: ${SUPPORTED.join(", ")} (glibc on Linux). Use the .NET tool instead: dotnet tool install -g migaudit`);
  }
  const name = `@migaudit/${key}`;
  const exe = process.platform === "win32" ? "migaudit.exe" : "migaudit";
  try {
    return require.resolve(`${name}/bin/${exe}`);
  } catch {
    fail(`the package ${name}, which holds migaudit's binary for this platform, is not installed. ` +
      `npm skips it when optional dependencies are turned off (--omit=optional, --no-optional) or when the lockfile ` +
      `was made on another platform: reinstall with optional dependencies, e.g. 'npm install --save-dev migaudit'`);
  }
}

function fail(message) {
  process.stderr.write(`migaudit: ${message}\n`);
  process.exit(2);
}

const child = spawn(binaryPath(), process.argv.slice(2), { stdio: "inherit", windowsHide: true });

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
