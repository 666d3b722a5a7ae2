// Which binary the npm launcher (npm/migaudit/bin/migaudit.js) runs, for platforms this machine is not: each case
// names process.platform, process.arch and the glibc version Node's diagnostic report would hold (null on musl), the
// keys whose binary the package carries in native/, and the @migaudit/<key> packages npm installed beside it.
// A case with "real": true asks for this machine's own key, from Node's real report.
// Usage: node launcher-choice.js CASES.json; prints one answer per case, as JSON.
"use strict";

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const launcher = require(path.join(__dirname, "..", "..", "npm", "migaudit", "bin", "migaudit.js"));

const cases = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const answers = cases.map((c) => {
  if (c.real) return { key: launcher.platformKey(process.platform, process.arch, process.report.getReport()) };
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "migaudit-launcher-"));
  try {
    for (const key of c.bundled || []) {
      fs.mkdirSync(path.join(root, "native", key), { recursive: true });
      fs.writeFileSync(path.join(root, "native", key, launcher.executableName(key.split("-")[0])), "");
    }
    const found = launcher.locateBinary({
      platform: c.platform,
      arch: c.arch,
      report: c.platform === "linux" ? { header: c.glibc ? { glibcVersionRuntime: c.glibc } : {} } : null,
      env: c.env || {},
      packageRoot: root,
      resolve: (id) => {
        const [, key] = /^@migaudit\/([^/]+)\/bin\/[^/]+$/.exec(id) || [];
        if ((c.installed || []).includes(key)) return `/project/node_modules/${id}`;
        throw Object.assign(new Error(`Cannot find module '${id}'`), { code: "MODULE_NOT_FOUND" });
      },
    });
    // Paths inside the temporary package are given from its root, with forward slashes.
    if (found.binary && found.binary.startsWith(root)) found.binary = path.relative(root, found.binary).split(path.sep).join("/");
    return found;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
process.stdout.write(JSON.stringify(answers));
