#!/usr/bin/env python3
"""Reads the two builds' JSON reports for the ecosystem check (scripts/ecosystem-check.sh) and prints the differences.

  report.py project RESULTS_DIR KEY REPO CHECKOUT_DIR   prints one project's block, writes KEY.summary.json
  report.py status  RESULTS_DIR KEY REPO STATUS DETAIL  records a project that could not be audited (not fetched...)
  report.py summary RESULTS_DIR [--markdown FILE]       the summary table over every KEY.summary.json, in list order

RESULTS_DIR holds, per project KEY (owner+name) and build (baseline, candidate): KEY.BUILD.json (stdout),
KEY.BUILD.stderr, KEY.BUILD.rc (exit code; 124 is a timeout) and KEY.BUILD.seconds; and order.txt, the KEYs in the
list's order. Nothing here runs or imports the audited project's code: it lists directories and reads JSON.
"""

import json
import os
import sys

BUILDS = ("baseline", "candidate")

# Knex's default loadExtensions (lib/migrations/common/MigrationsLoader.js), used when a report names none.
KNEX_DEFAULT_EXTENSIONS = [".co", ".coffee", ".eg", ".iced", ".js", ".cjs", ".litcoffee", ".ls", ".ts"]


def read_text(path, default=""):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return default


def load_build(results, key, build):
    base = os.path.join(results, f"{key}.{build}")
    rc_text = read_text(base + ".rc").strip()
    run = {
        "rc": int(rc_text) if rc_text.lstrip("-").isdigit() else None,
        "seconds": read_text(base + ".seconds").strip() or "?",
        "stderr": read_text(base + ".stderr"),
        "report": None,
        "error": None,
    }
    text = read_text(base + ".json")
    if text.strip():
        try:
            run["report"] = json.loads(text)
        except json.JSONDecodeError as e:
            run["error"] = f"stdout is not JSON ({e.msg} at line {e.lineno})"
    return run


def last_stderr_line(run):
    lines = [line for line in run["stderr"].splitlines() if line.strip()]
    return lines[-1] if lines else ""


def resolve_dir(checkout, report, directory):
    """A migration directory as the report names it: relative to the project root, else to the knexfile's folder."""
    if os.path.isabs(directory):
        return directory
    candidates = [os.path.join(checkout, directory)]
    knexfile = report.get("knexfile")
    if isinstance(knexfile, str) and knexfile:
        candidates.append(os.path.join(checkout, os.path.dirname(knexfile), directory))
    for c in candidates:
        if os.path.isdir(c):
            return c
    return candidates[0]


def files_on_disk(checkout, report):
    """Per listed directory: regular files directly inside whose extension Knex loads (None: the folder is missing)."""
    settings = report.get("migrationSettings") or {}
    extensions = settings.get("loadExtensions") or KNEX_DEFAULT_EXTENSIONS
    counts = {}
    for directory in report.get("migrationDirectories") or []:
        path = resolve_dir(checkout, report, directory)
        checkout_real = os.path.realpath(checkout)
        real = os.path.realpath(path)
        if not (real == checkout_real or real.startswith(checkout_real + os.sep)) or not os.path.isdir(path):
            counts[directory] = None
            continue
        n = 0
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_file(follow_symlinks=False) and os.path.splitext(entry.name)[1] in extensions:
                    n += 1
        counts[directory] = n
    return counts


def coverage(report):
    """Statements understood over statements read, ups and downs together; None when the report has no coverage."""
    items = report.get("coverage")
    if not isinstance(items, list) or not items:
        return None
    understood = total = 0
    for item in items:
        for part in ("up", "down"):
            c = item.get(part) or {}
            understood += c.get("understood") or 0
            total += c.get("total") or 0
    return understood, total


def finding_keys(report):
    keys = []
    for f in report.get("findings") or []:
        keys.append(f"{f.get('rule')} {f.get('file') or '-'}:{f.get('line') or '-'} {f.get('message') or ''}".rstrip())
    return keys


def set_reports(report):
    """Each migration set's report: migrationSets[].report with several sets, else the document itself."""
    reports = [s["report"] for s in report.get("migrationSets") or [] if isinstance(s, dict) and isinstance(s.get("report"), dict)]
    return reports or [report]


def summarize(run, checkout):
    r = run["report"]
    if r is None:
        return {"rc": run["rc"], "seconds": run["seconds"], "verdict": None, "blocking": None, "active": None, "sets": None,
                "dirs": None, "onDisk": None, "coverage": None, "findings": [], "error": run["error"] or last_stderr_line(run)}
    reports = set_reports(r)
    on_disk = {}
    understood = total = 0
    for each in reports:
        on_disk.update(files_on_disk(checkout, each))
        c = coverage(each)
        if c is not None:
            understood, total = understood + c[0], total + c[1]
    return {
        "rc": run["rc"],
        "seconds": run["seconds"],
        "verdict": r.get("verdict"),
        "blocking": r.get("blockingCount"),
        "active": sum((each.get("statistics") or {}).get("active") or 0 for each in reports),
        "sets": len(reports),
        "dirs": [d for each in reports for d in each.get("migrationDirectories") or []],
        "onDisk": on_disk,
        "coverage": (understood, total) if total else coverage(r),
        "findings": finding_keys(r),
        "error": None,
    }


def fmt_rc(rc):
    return {None: "none", 124: "124 (timeout)", 137: "137 (killed)"}.get(rc, str(rc))


def fmt_coverage(c):
    if c is None:
        return "-"
    understood, total = c
    return f"{understood}/{total} ({100.0 * understood / total:.1f}%)" if total else "0/0"


def fmt_on_disk(counts):
    """Migration-shaped files on disk over all listed folders; a folder that does not exist is counted as missing."""
    if counts is None:
        return "-"
    known = [n for n in counts.values() if n is not None]
    missing = len(counts) - len(known)
    if missing and not known:
        return "missing"
    return f"{sum(known)}" + (f" ({missing} folder{'s' if missing > 1 else ''} missing)" if missing else "")


def fmt_dirs(s):
    if s["dirs"] is None:
        return "-"
    if not s["dirs"]:
        return "(none)"
    parts = []
    for d in s["dirs"]:
        n = s["onDisk"].get(d)
        parts.append(f"{d} [{'missing' if n is None else n} on disk]")
    return ", ".join(parts)


def cmd_project(results, key, repo, checkout):
    runs = {b: load_build(results, key, b) for b in BUILDS}
    sums = {b: summarize(runs[b], checkout) for b in BUILDS}
    base, cand = sums["baseline"], sums["candidate"]
    print(f"== {repo}")
    for b in BUILDS:
        s = sums[b]
        print(f"  {b:9} exit {fmt_rc(s['rc'])}, {s['seconds']} s, verdict {s['verdict'] or '-'}, sets {s['sets'] or '-'}, blocking {s['blocking'] if s['blocking'] is not None else '-'}, "
              f"active {s['active'] if s['active'] is not None else '-'}, coverage {fmt_coverage(s['coverage'])}")
        print(f"  {'':9} migrations: {fmt_dirs(s)}")
        if s["error"]:
            print(f"  {'':9} error: {s['error']}")
        elif s["rc"] not in (0, 1):
            line = last_stderr_line(runs[b])
            if line:
                print(f"  {'':9} stderr: {line}")
    removed = sorted(set(base["findings"]) - set(cand["findings"]))
    added = sorted(set(cand["findings"]) - set(base["findings"]))
    # The same finding can occur twice (same rule, file, line and message); compare counts too.
    for k in sorted(set(base["findings"]) & set(cand["findings"])):
        diff = cand["findings"].count(k) - base["findings"].count(k)
        (added if diff > 0 else removed).extend([k] * abs(diff))
    changed = bool(added or removed) or base["verdict"] != cand["verdict"] or base["rc"] != cand["rc"] \
        or base["blocking"] != cand["blocking"] or base["active"] != cand["active"] or base["dirs"] != cand["dirs"]
    if added or removed:
        print(f"  findings: {len(base['findings'])} -> {len(cand['findings'])} (+{len(added)} -{len(removed)})")
        for k in removed:
            print(f"  - {k}")
        for k in added:
            print(f"  + {k}")
    else:
        print(f"  findings: {len(cand['findings'])}, unchanged")
    summary = {"repo": repo, "status": "audited", "detail": "", "changed": changed,
               "findingsChanged": bool(added or removed), "added": len(added), "removed": len(removed),
               "baseline": {k: v for k, v in base.items() if k != "findings"} | {"findings": len(base["findings"])},
               "candidate": {k: v for k, v in cand.items() if k != "findings"} | {"findings": len(cand["findings"])}}
    write_summary(results, key, summary)


def cmd_status(results, key, repo, status, detail):
    print(f"== {repo}\n  {status}{': ' + detail if detail else ''}")
    write_summary(results, key, {"repo": repo, "status": status, "detail": detail, "changed": False})


def write_summary(results, key, summary):
    with open(os.path.join(results, f"{key}.summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=1)


def cmd_summary(results, markdown):
    order = [line.strip() for line in read_text(os.path.join(results, "order.txt")).splitlines() if line.strip()]
    rows = []
    for key in order:
        text = read_text(os.path.join(results, f"{key}.summary.json"))
        if text:
            rows.append(json.loads(text))
    audited = [r for r in rows if r["status"] == "audited"]
    skipped = [r for r in rows if r["status"] != "audited"]

    def count(build, pred):
        return sum(1 for r in audited if pred(r[build]))

    def total_blocking(build):
        return sum(r[build]["blocking"] or 0 for r in audited)

    figures = [
        ("projects in the list", len(rows), len(rows)),
        ("audited", len(audited), len(audited)),
        ("not audited (not fetched, commit missing, checkout failed)", len(skipped), len(skipped)),
        ("exit 0 (ready)", count("baseline", lambda s: s["rc"] == 0), count("candidate", lambda s: s["rc"] == 0)),
        ("exit 1 (not ready)", count("baseline", lambda s: s["rc"] == 1), count("candidate", lambda s: s["rc"] == 1)),
        ("exit 2 (error, no report)", count("baseline", lambda s: s["rc"] == 2), count("candidate", lambda s: s["rc"] == 2)),
        ("exit 3 (unknown)", count("baseline", lambda s: s["rc"] == 3), count("candidate", lambda s: s["rc"] == 3)),
        ("timeout or other exit", count("baseline", lambda s: s["rc"] not in (0, 1, 2, 3)), count("candidate", lambda s: s["rc"] not in (0, 1, 2, 3))),
        ("verdict ready", count("baseline", lambda s: s["verdict"] == "ready"), count("candidate", lambda s: s["verdict"] == "ready")),
        ("verdict not ready", count("baseline", lambda s: s["verdict"] == "not-ready"), count("candidate", lambda s: s["verdict"] == "not-ready")),
        ("verdict unknown", count("baseline", lambda s: s["verdict"] == "unknown"), count("candidate", lambda s: s["verdict"] == "unknown")),
        ("total blocking findings", total_blocking("baseline"), total_blocking("candidate")),
        ("total findings", sum(r["baseline"]["findings"] for r in audited), sum(r["candidate"]["findings"] for r in audited)),
        ("active migrations", sum(r["baseline"]["active"] or 0 for r in audited), sum(r["candidate"]["active"] or 0 for r in audited)),
    ]
    changed = [r for r in audited if r["changed"]]

    print("\n== Summary")
    width = max(len(f[0]) for f in figures)
    print(f"  {'':{width}}  {'baseline':>9}  {'candidate':>9}")
    for name, b, c in figures:
        print(f"  {name:{width}}  {b:>9}  {c:>9}")
    print(f"  projects whose results changed: {len(changed)}" + (": " + ", ".join(r["repo"] for r in changed) if changed else ""))
    for r in skipped:
        print(f"  {r['status']}: {r['repo']}{' (' + r['detail'] + ')' if r['detail'] else ''}")
    errors = [r for r in audited if r["candidate"]["rc"] not in (0, 1)]
    for r in errors:
        print(f"  candidate exit {fmt_rc(r['candidate']['rc'])}: {r['repo']}: {r['candidate']['error'] or ''}")

    if markdown:
        out = ["| | baseline | candidate |", "| --- | ---: | ---: |"]
        out += [f"| {name} | {b} | {c} |" for name, b, c in figures]
        out += ["", f"Projects whose results changed: {len(changed)}" + (" (" + ", ".join(r["repo"] for r in changed) + ")" if changed else "") + "."]
        if skipped:
            out += ["", "Not audited: " + ", ".join(f"{r['repo']} ({r['status']})" for r in skipped) + "."]
        out += ["", "| project | exit | verdict | sets | blocking | active | on disk | coverage | findings | seconds |",
                "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for r in rows:
            if r["status"] != "audited":
                out.append(f"| {r['repo']} | {r['status']} | | | | | | | | |")
                continue
            c = r["candidate"]
            on_disk = fmt_on_disk(c["onDisk"])
            change = f" (+{r['added']} -{r['removed']})" if r["findingsChanged"] else ""
            out.append(f"| {r['repo']} | {fmt_rc(c['rc'])} | {c['verdict'] or '-'} | {c.get('sets') or '-'} | {c['blocking'] if c['blocking'] is not None else '-'} | "
                       f"{c['active'] if c['active'] is not None else '-'} | {on_disk} | {fmt_coverage(c['coverage'])} | {c['findings']}{change} | {c['seconds']} |")
        with open(markdown, "w", encoding="utf-8") as f:
            f.write("\n".join(out) + "\n")


def main(argv):
    if len(argv) >= 5 and argv[0] == "project":
        cmd_project(*argv[1:5])
    elif len(argv) >= 6 and argv[0] == "status":
        cmd_status(*argv[1:6])
    elif len(argv) >= 2 and argv[0] == "summary":
        markdown = argv[3] if len(argv) >= 4 and argv[2] == "--markdown" else None
        cmd_summary(argv[1], markdown)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
