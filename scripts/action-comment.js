// Posts or updates the one migaudit comment on the pull request of this run (scripts/action.sh runs it with the
// Markdown report's path). The comment is found again by its marker and edited in place, so a pull request has one.
// Nothing here can fail the job: whatever GitHub answers (403 on a pull request from a fork, whose token is read-only,
// or without `permissions: pull-requests: write`; 404; a network error), it prints a ::warning:: saying why and
// exits 0. The report is in the job summary either way. Needs Node 18 or later (fetch).
"use strict";
const fs = require("fs");

const marker = "<!-- migaudit -->";
// GitHub refuses a comment body over 65,536 characters (422): a longer report is cut, and says where the rest is.
const maxBody = 65536;
// Comments are listed 100 a page; a pull request with more than this many pages is not searched further.
const maxPages = 30;

function warn(text) {
  // A workflow command's data ends at a line break: keep the message on one line.
  console.log(`::warning title=migaudit comment::${text.replace(/%/g, "%25").replace(/\r?\n/g, " ")}`);
}

function why(status, message) {
  const said = message ? ` (GitHub: ${message})` : "";
  if (status === 403 || status === 401) {
    return `GitHub refused the pull-request comment, HTTP ${status}${said}. A pull request from a fork gets a read-only token, and otherwise the workflow needs \`permissions: pull-requests: write\`. The report is in the job summary.`;
  }
  if (status === 404) {
    return `GitHub answered 404 for the pull-request comment${said}: it says so for a pull request that does not exist and for one the token may not see. The report is in the job summary.`;
  }
  return `the pull-request comment was not posted: HTTP ${status}${said}. The report is in the job summary.`;
}

class ApiError extends Error {
  constructor(status, message) {
    super(why(status, message));
  }
}

async function main() {
  const [reportFile] = process.argv.slice(2);
  const { GITHUB_TOKEN: token, GITHUB_REPOSITORY: repository, GITHUB_EVENT_PATH: eventPath } = process.env;
  const api = (process.env.GITHUB_API_URL || "https://api.github.com").replace(/\/$/, "");
  if (!token || !repository || !eventPath || !fs.existsSync(eventPath)) return;
  const event = JSON.parse(fs.readFileSync(eventPath, "utf8"));
  const number = event.pull_request && event.pull_request.number;
  if (!number) return;

  async function request(method, url, body) {
    const response = await fetch(url, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
        ...(body ? { "Content-Type": "application/json" } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // A proxy's HTML error page: the status says enough.
    }
    if (!response.ok) throw new ApiError(response.status, json && json.message);
    return { json, next: /<([^>]+)>;\s*rel="next"/.exec(response.headers.get("link") || "") };
  }

  let body = `${marker}\n${fs.readFileSync(reportFile, "utf8")}`;
  if (body.length > maxBody) {
    const note = "\n\n… cut here: the whole report is in the job summary.\n";
    body = body.slice(0, maxBody - note.length) + note;
  }

  let existing = null;
  let url = `${api}/repos/${repository}/issues/${number}/comments?per_page=100`;
  for (let page = 0; url && page < maxPages && !existing; page++) {
    const { json, next } = await request("GET", url);
    existing = (Array.isArray(json) ? json : []).find((c) => typeof c.body === "string" && c.body.startsWith(marker)) || null;
    url = next ? next[1] : null;
  }

  if (existing) {
    await request("PATCH", `${api}/repos/${repository}/issues/comments/${existing.id}`, { body });
    console.log(`migaudit: updated the pull-request comment ${existing.html_url || existing.id}`);
  } else {
    const { json } = await request("POST", `${api}/repos/${repository}/issues/${number}/comments`, { body });
    console.log(`migaudit: posted the pull-request comment ${(json && json.html_url) || ""}`.trimEnd());
  }
}

main().catch((error) => {
  warn(error instanceof ApiError ? error.message : `the pull-request comment was not posted: ${error.message}. The report is in the job summary.`);
});
