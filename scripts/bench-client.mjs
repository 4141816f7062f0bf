#!/usr/bin/env node
// The pages as a browser gets them: fresh loads in Debian's Chromium
// (playwright-core) of a procedure page, a case page, the dashboard and a
// request form, each printing the wasm and JavaScript it fetched (as
// Chromium got them and as brotli; everything fetched until the load has
// settled, its first interaction included, but not scripts inline in the
// HTML), its first contentful paint and the time at which a first
// interaction was answered. The procedure page is measured twice more: its
// HTML served as a file, to show what the server adds, and reached from
// another site, as on a first visit.
//
//   node scripts/bench-client.mjs        (after `make build`; `make bench` runs it)
//
// It starts its own demo server on the release build (target/release/server
// with target/site) on a temporary database, and stops it when done.
// BENCH_PAGE_LOADS (15) loads per page, BENCH_CLIENT_PORT (a free one),
// BENCH_CHROMIUM (/usr/bin/chromium); BENCH_SERVER and BENCH_SITE_ROOT
// (target/release/server, target/site) to measure another build, such as
// a copy of an earlier one for a before/after.

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import net from "node:net";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
// playwright-core comes with the browser tests' npm packages.
const { chromium } = createRequire(join(root, "end2end", "package.json"))("playwright-core");

const LOADS = Number(process.env.BENCH_PAGE_LOADS ?? 15);
if (!Number.isInteger(LOADS) || LOADS < 1) {
  console.error("bench-client: BENCH_PAGE_LOADS must be a whole number above 0");
  process.exit(2);
}
const CHROMIUM = process.env.BENCH_CHROMIUM ?? "/usr/bin/chromium";
const VIEWPORT = { width: 1280, height: 800 };
// How often the page tries the interaction while it loads.
const PROBE_EVERY_MS = 5;
// A load whose interaction is not answered by then counts as unanswered.
const ANSWER_TIMEOUT_MS = 15_000;
// Code may still arrive after the answer (islands out of view hydrate later,
// split chunks load on demand): a load is over once no wasm or JS has been
// in flight for this long.
const QUIET_MS = 300;

// Every page, who reads it, and its first interaction: something a person
// does there, and the change in the page that shows it was answered.
//   diagram: a click on activity 1 of the flowchart opens its detail
//            (needs the page's island);
//   summary: a click on a <details>' summary opens it (plain HTML);
//   field:   an e-mail without "@" typed into a field, which is then left:
//            the form assistant (an island) shows the field's error.
function pagesToMeasure(caseId) {
  return [
    // Also served as a file (what the page costs without the server), and
    // reached from another site.
    { name: "procedure", path: "/procedimientos/PR05", account: null, interaction: "diagram", alsoAsFile: true },
    {
      name: "case",
      path: `/expedientes/${caseId}`,
      shown: "/expedientes/{id}",
      account: "adit@demo.local",
      interaction: "diagram",
    },
    { name: "dashboard", path: "/tablero", account: "jefe-ugat@demo.local", interaction: "summary" },
    { name: "form", path: "/portal/anexo-1", account: "entidad@demo.local", interaction: "field" },
  ];
}

const INTERACTION_TEXT = {
  diagram: "click on activity 1 of the diagram until its detail opens",
  summary: "click on the first <details> summary in <main> until it opens",
  field: "type an e-mail without @ into #email and leave it until its error shows",
};

// Runs in the page from before its first byte is parsed (an init script).
// Every PROBE_EVERY_MS, once the page renders (its first animation frame:
// Chromium holds rendering until the stylesheet is in) and the target is
// laid out, it tries the interaction; it records performance.now()
// (milliseconds since navigation start) when the answer shows, checked
// right after each try (native controls answer at once) and on every change
// of the DOM (islands answer in a microtask). A person cannot act before
// the page shows something, so an answer counts from the first contentful
// paint at the earliest (see `answeredAt`). Not the paint entry itself as
// the signal to start: page script sees it up to a few hundred milliseconds
// after the paint, once the frame has been presented.
//
// The events are dispatched from the page's script, not sent by Playwright
// from outside: an outside click is one round trip per try and waits for
// the element to be "stable", so it could not try every few milliseconds
// from the first paint. Dispatched events are not trusted (isTrusted is
// false) and skip hit testing, but they run the same listeners: Leptos
// delegates clicks to the document, the summary's native toggle runs for
// them, focus() and blur() fire real focus events, and the app never looks
// at isTrusted. A click is the whole sequence a mouse makes (pointerdown,
// mousedown, pointerup, mouseup, click at the target's centre), since the
// flowchart and the form assistant follow pointers. Typing sets the value
// without input events: those only schedule a draft save, which would
// change what the next load renders.
function installProbe({ interaction, everyMs, timeoutMs }) {
  const probe = { renderedAt: null, answeredAt: null, hydratedAt: null };
  window.__benchProbe = probe;
  requestAnimationFrame(() => {
    probe.renderedAt = performance.now();
  });

  const click = (element) => {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return false;
    const at = { clientX: box.left + box.width / 2, clientY: box.top + box.height / 2 };
    const common = { bubbles: true, cancelable: true, composed: true, button: 0, view: window, ...at };
    const pointer = { ...common, pointerId: 1, pointerType: "mouse", isPrimary: true };
    element.dispatchEvent(new PointerEvent("pointerdown", { ...pointer, buttons: 1 }));
    element.dispatchEvent(new MouseEvent("mousedown", { ...common, buttons: 1 }));
    element.dispatchEvent(new PointerEvent("pointerup", pointer));
    element.dispatchEvent(new MouseEvent("mouseup", common));
    element.dispatchEvent(new MouseEvent("click", common));
    return true;
  };
  const interactions = {
    diagram: {
      target: () => document.querySelector('[data-activity="1"]'),
      act: click,
      answered: () => document.getElementById("detail-title")?.textContent.trim() === "Actividad 1",
    },
    summary: {
      target: () => document.querySelector("main details > summary"),
      act: click,
      answered: (summary) => summary.parentElement.open,
    },
    field: {
      target: () => document.getElementById("email"),
      act: (input) => {
        if (input.getClientRects().length === 0) return false;
        input.focus();
        input.value = "correo-sin-arroba";
        input.blur();
        return true;
      },
      answered: () => {
        const error = document.getElementById("email-error");
        return !!error && !error.hidden && error.textContent.trim() !== "";
      },
    },
  };
  const { target, act, answered } = interactions[interaction];
  let tried = null;

  const finish = () => {
    clearInterval(timer);
    observer.disconnect();
  };
  const check = () => {
    if (probe.answeredAt === null && tried && answered(tried)) {
      probe.answeredAt = performance.now();
    }
    if (probe.hydratedAt === null && document.documentElement?.dataset.hydrated === "true") {
      probe.hydratedAt = performance.now();
    }
    if (probe.answeredAt !== null && probe.hydratedAt !== null) finish();
  };
  const tick = () => {
    if (performance.now() > timeoutMs) return finish();
    if (probe.answeredAt !== null) return;
    if (probe.renderedAt === null) return;
    const element = target();
    if (!element || !act(element)) return;
    tried = element;
    check();
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  const timer = setInterval(tick, everyMs);
}

// --- the server -----------------------------------------------------------

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Plain node:http, so that nothing is added or decompressed behind our back.
function request(base, path, { method = "GET", headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, base), { method, headers }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function startServer(data, port) {
  const output = openSync(join(data, "server.log"), "w");
  const server = spawn(process.env.BENCH_SERVER ?? join(root, "target", "release", "server"), [], {
    cwd: root,
    stdio: ["ignore", output, output],
    env: {
      ...process.env,
      APP_DEMO: "1",
      LEPTOS_ENV: "PROD",
      LEPTOS_SITE_ROOT: process.env.BENCH_SITE_ROOT ?? "target/site",
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      APP_FILE_STORE: join(data, "files"),
      DATABASE_URL: `sqlite://${join(data, "demo.db")}`,
      RUST_LOG: "warn",
    },
  });
  const base = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 150; attempt += 1) {
    if (server.exitCode !== null) break;
    try {
      if ((await request(base, "/healthz")).status === 200) return { server, base };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // The log goes with the temporary folder: show its end.
  const log = readFileSync(join(data, "server.log"), "utf8").split("\n").slice(-20).join("\n");
  throw new Error(`the server did not start:\n${log}`);
}

function stopServer(server) {
  if (server.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => server.kill("SIGKILL"), 5_000);
    server.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    server.kill("SIGTERM");
  });
}

// --- the data the pages show ----------------------------------------------

// The session cookie as the server set it (`__Host-sesion`, or `sesion`).
async function signIn(base, email) {
  const answer = await request(base, "/api/v1/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: "demo" }),
  });
  const cookie = (answer.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).find((c) => /sesion=/.test(c));
  if (answer.status !== 200 || !cookie) throw new Error(`signing in as ${email} answered ${answer.status}`);
  const [name, value] = cookie.split("=");
  return { name, value };
}

async function api(base, session, path, body) {
  const answer = await request(base, `/api/v1${path}`, {
    method: body ? "POST" : "GET",
    headers: { cookie: `${session.name}=${session.value}`, "content-type": "application/json" },
    body: body && JSON.stringify(body),
  });
  if (answer.status >= 300) throw new Error(`${path} answered ${answer.status}: ${answer.body}`);
  return JSON.parse(answer.body);
}

// A PR05 case of the demo entity, at its first activity (ADIT's).
async function openCase(base, sessions) {
  const admin = await signIn(base, "admin@demo.local");
  const entities = await api(base, admin, "/entities");
  const entity = (Array.isArray(entities) ? entities : entities.items).find((e) => e.code === "DEMO");
  const opened = await api(base, admin, "/cases", { procedure: "PR05", entity_id: entity.id, title: "Medición" });
  // Whoever reads the case page must see it.
  await api(base, sessions["adit@demo.local"], `/cases/${opened.id}`);
  return opened.id;
}

// --- one load -------------------------------------------------------------

const isCode = (url, mimeType = "") =>
  /\.(wasm|m?js)$/.test(new URL(url).pathname) || /wasm|javascript/.test(mimeType);

// A browser tab that loads one page again and again, each time as a first
// visit would: the HTTP cache is off (DevTools' "Disable cache"), so every
// load fetches the HTML, the stylesheet, the wasm and the JS anew. The tab
// and its renderer are kept between loads, as a person's browser keeps its
// own: a new tab per load would time Chromium starting a renderer process
// (about 100 ms more on this machine) rather than the page.
async function openTab(browser, base, page, session) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  if (session) {
    await context.addCookies([
      { ...session, domain: new URL(base).hostname, path: "/", secure: true, httpOnly: true, sameSite: "Lax" },
    ]);
  }
  const tab = await context.newPage();
  await tab.addInitScript(installProbe, {
    interaction: page.interaction,
    everyMs: PROBE_EVERY_MS,
    timeoutMs: ANSWER_TIMEOUT_MS,
  });
  // The wasm and JS on the wire, from the DevTools protocol.
  const cdp = await context.newCDPSession(tab);
  // code: requestId -> { url, encoding, acceptEncoding, bytes, done }
  const network = { code: new Map(), lastCodeActivity: 0 };
  cdp.on("Network.requestWillBeSentExtraInfo", ({ requestId, headers }) => {
    network.code.set(requestId, { ...network.code.get(requestId), acceptEncoding: header(headers, "accept-encoding") });
  });
  cdp.on("Network.responseReceived", ({ requestId, response }) => {
    if (!isCode(response.url, response.mimeType)) return;
    network.lastCodeActivity = Date.now();
    network.code.set(requestId, {
      ...network.code.get(requestId),
      url: response.url,
      encoding: header(response.headers, "content-encoding") ?? "identity",
      done: false,
    });
  });
  const finished = ({ requestId, encodedDataLength }) => {
    const entry = network.code.get(requestId);
    if (!entry?.url) return;
    network.lastCodeActivity = Date.now();
    Object.assign(entry, { bytes: encodedDataLength ?? 0, done: true });
  };
  cdp.on("Network.loadingFinished", finished);
  cdp.on("Network.loadingFailed", finished);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  return { context, tab, network };
}

// Where each load starts from. A person usually arrives at a page from
// another page of the site: a small one of the same origin, which sends the
// same headers. A first visit comes from another site (here the blank
// page): the site's Cross-Origin-Opener-Policy then has Chromium start a
// new renderer process for it (site isolation does the same for any visit
// from another site), which the row "from outside" shows.
const START_PAGE = "/healthz";

// Loads `url` in the tab, coming from `start`, and returns its figures.
async function loadOnce({ tab, network }, start, url, waitForHydration) {
  // From another page, so that nothing of the last load is still running.
  await tab.goto(start);
  network.code.clear();
  const response = await tab.goto(url, { waitUntil: "load" });
  if (!response?.ok()) throw new Error(`${url} answered ${response?.status()}`);
  // Polled from here: a function evaluated by the protocol is not subject
  // to the page's Content-Security-Policy, as waitForFunction may be.
  const deadline = Date.now() + ANSWER_TIMEOUT_MS;
  let probe;
  for (;;) {
    probe = await tab.evaluate(() => ({
      ...window.__benchProbe,
      fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? null,
    }));
    const waited = (value) => value !== null || Date.now() > deadline;
    const settled =
      waited(probe.answeredAt) &&
      waited(probe.fcp) &&
      (!waitForHydration || waited(probe.hydratedAt)) &&
      [...network.code.values()].every((entry) => !entry.url || entry.done) &&
      Date.now() - network.lastCodeActivity > QUIET_MS;
    if (settled) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const { fcp } = probe;
  const hasIslands = await tab.evaluate(() => document.querySelector("leptos-island") !== null);
  const files = [...network.code.values()].filter((entry) => entry.url);
  const answeredAt = probe.answeredAt === null ? null : Math.max(probe.answeredAt, fcp ?? 0);
  return { fcp, answeredAt, hydratedAt: probe.hydratedAt, hasIslands, files };
}

function header(headers, name) {
  const key = Object.keys(headers ?? {}).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

// The same files asked for with brotli only: the body's bytes as sent.
// Chromium offers brotli only to origins it deems secure; 127.0.0.1 is one
// (so the two figures normally differ by the headers), but this one holds
// whatever the browser offered.
async function brotliBytes(base, url) {
  const answer = await request(base, new URL(url).pathname, { headers: { "accept-encoding": "br" } });
  return { bytes: answer.body.length, encoding: answer.headers["content-encoding"] ?? "identity" };
}

// --- figures --------------------------------------------------------------

// Nearest rank: p50 of 15 loads is the 8th fastest, p95 the slowest.
function percentile(values, p) {
  const sorted = values.filter((v) => v !== null).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value) => (value === null ? "—" : `${Math.round(value)}`);
const pair = (values) => `${ms(percentile(values, 50))} / ${ms(percentile(values, 95))} ms`;
// Without the content hash (and a split loader's number), which change
// with every build.
const fileName = (url) =>
  new URL(url).pathname
    .split("/")
    .pop()
    .replace(/\.[\w-]{22}(?=\.(wasm|m?js)$)/, "")
    .replace(/_\d{8,}(?=\.)/, "");
// A split build loads many small chunks: name the larger files, sum the rest.
const LISTED_FROM_BYTES = 4 * 1024;

async function measure(browser, base, page, session) {
  const tab = await openTab(browser, base, page, session);
  try {
    const url = base + page.path;
    const start = page.fromOutside ? "about:blank" : base + START_PAGE;
    // One load first, not counted: the server's first render of a page and
    // the OS's file cache would otherwise weigh on the first sample.
    const warmUp = await loadOnce(tab, start, url, false);
    const loads = [];
    for (let i = 0; i < LOADS; i += 1) {
      loads.push(await loadOnce(tab, start, url, warmUp.hasIslands));
    }
    const first = loads[0];
    const brotli = await Promise.all(first.files.map((file) => brotliBytes(base, file.url)));
    const wireBytes = loads.map((load) => load.files.reduce((sum, file) => sum + file.bytes, 0));
    return {
      page,
      loads,
      wire: percentile(wireBytes, 50),
      wireEncodings: [...new Set(first.files.map((file) => file.encoding))].join("+") || "none",
      acceptEncoding: first.files.find((file) => file.acceptEncoding)?.acceptEncoding,
      brotli: brotli.reduce((sum, file) => sum + file.bytes, 0),
      files: first.files.map((file, i) => ({ ...file, brotli: brotli[i] })),
      unanswered: loads.filter((load) => load.answeredAt === null).length,
    };
  } finally {
    await tab.context.close();
  }
}

// --- the same HTML as a file ----------------------------------------------

const CONTENT_TYPES = {
  ".css": "text/css",
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
};

// Serves one page's HTML and the start page, as the app sent them once
// (brotli, with the app's headers, so the same security policies apply),
// from memory, and the site's files as the app serves them (the build's
// brotli copies): what the page costs the browser when the server has no
// part in it. The page's own requests to the app (none on the procedure
// page) fail.
async function startFileServer(base, page) {
  const replayed = new Map();
  for (const path of [page.path, START_PAGE]) {
    const sent = await request(base, path, { headers: { "accept-encoding": "br" } });
    if (sent.status !== 200) throw new Error(`${path} answered ${sent.status}`);
    const headers = { ...sent.headers };
    for (const hop of ["transfer-encoding", "content-length", "connection", "keep-alive", "date"]) delete headers[hop];
    replayed.set(path, { headers, body: sent.body });
  }
  const siteRoot = join(root, process.env.BENCH_SITE_ROOT ?? join("target", "site"));
  const server = http.createServer((req, res) => {
    const path = new URL(req.url, "http://file").pathname;
    const page = replayed.get(path);
    if (page) {
      res.writeHead(200, page.headers);
      return res.end(page.body);
    }
    const type = CONTENT_TYPES[extname(path)];
    const file = join(siteRoot, normalize(path));
    if (!type || !file.startsWith(siteRoot) || !existsSync(file)) {
      res.writeHead(404);
      return res.end();
    }
    const brotli = /\bbr\b/.test(req.headers["accept-encoding"] ?? "") && existsSync(`${file}.br`);
    res.writeHead(200, { "content-type": type, ...(brotli && { "content-encoding": "br" }) });
    return res.end(readFileSync(brotli ? `${file}.br` : file));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, base: `http://127.0.0.1:${server.address().port}` };
}

function report(results, version) {
  const rows = [
    ["page", "path", "wasm+JS as got", "wasm+JS brotli", "FCP p50 / p95", "answered p50 / p95", "hydrated p50"],
    ...results.map((r) => [
      r.page.name,
      r.page.shown ?? r.page.path,
      `${kb(r.wire)} ${r.wireEncodings}`,
      kb(r.brotli),
      pair(r.loads.map((load) => load.fcp)),
      pair(r.loads.map((load) => load.answeredAt)) + (r.unanswered ? ` (${r.unanswered} unanswered)` : ""),
      `${ms(percentile(r.loads.map((load) => load.hydratedAt), 50))} ms`,
    ]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  console.log(
    `== Browser: ${LOADS} fresh loads per page in Chromium ${version}, after one not counted ` +
      `(one tab per page, HTTP cache off: every load fetches HTML, CSS, wasm and JS anew;` +
      ` each load comes from ${START_PAGE} of the same site, but "from outside")`,
  );
  for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column])).join("  ").trimEnd());
  console.log(
    [
      "as got: bytes received for the .wasm and .js files, headers included, in the encoding the server chose",
      `  (Chromium sent Accept-Encoding: ${results.find((r) => r.acceptEncoding)?.acceptEncoding ?? "?"});`,
      "brotli: the same files' bodies when only brotli is accepted. Times: ms since navigation start;",
      "answered: when the first try that worked showed its answer, and never before the first contentful paint.",
      "Budgets: PR05 FCP <= 100 ms, answered <= 120 ms, brotli <= 150 KB; every page brotli <= 200 KB.",
    ].join("\n"),
  );
  for (const r of results) console.log(`${r.page.name}: ${INTERACTION_TEXT[r.page.interaction]}`);
  console.log(`Files of the first counted load, brotli, largest first (those under ${kb(LISTED_FROM_BYTES)} summed):`);
  for (const r of results) {
    const sizes = r.files.map((f) => ({ name: fileName(f.url), bytes: f.brotli.bytes, encoding: f.brotli.encoding }));
    sizes.sort((a, b) => b.bytes - a.bytes);
    const listed = sizes.filter((f) => f.bytes >= LISTED_FROM_BYTES);
    const small = sizes.filter((f) => f.bytes < LISTED_FROM_BYTES);
    const parts = listed.map((f) => `${f.name} ${kb(f.bytes)}${f.encoding === "br" ? "" : ` (${f.encoding})`}`);
    if (small.length > 0) {
      parts.push(`${small.length} more ${kb(small.reduce((sum, f) => sum + f.bytes, 0))}`);
    }
    console.log(`  ${r.page.name}: ${sizes.length} files: ${parts.join(", ") || "none"}`);
  }
}

// --- main -----------------------------------------------------------------

const data = mkdtempSync(join(tmpdir(), "bench-client-"));
let server = null;
let browser = null;
const cleanUp = () => {
  server?.kill("SIGTERM");
  rmSync(data, { recursive: true, force: true });
};
process.on("exit", cleanUp);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));

try {
  const port = Number(process.env.BENCH_CLIENT_PORT ?? (await freePort()));
  let base;
  ({ server, base } = await startServer(data, port));
  const accounts = ["adit@demo.local", "jefe-ugat@demo.local", "entidad@demo.local"];
  const sessions = Object.fromEntries(await Promise.all(accounts.map(async (a) => [a, await signIn(base, a)])));
  const caseId = await openCase(base, sessions);

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // As the browser tests run it (end2end/playwright.config.ts).
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run", "--disable-quic"],
  });
  const results = [];
  for (const page of pagesToMeasure(caseId)) {
    results.push(await measure(browser, base, page, page.account && sessions[page.account]));
    if (page.alsoAsFile) {
      const file = await startFileServer(base, page);
      try {
        const asFile = { ...page, name: `${page.name} as a file`, shown: "the same HTML, from a file" };
        results.push(await measure(browser, file.base, asFile, null));
      } finally {
        file.server.close();
      }
      const fromOutside = { ...page, name: `${page.name} from outside`, fromOutside: true };
      results.push(await measure(browser, base, fromOutside, page.account && sessions[page.account]));
    }
  }
  report(results, browser.version());
  await browser.close();
  browser = null;
  await stopServer(server);
  server = null;
  if (results.some((r) => r.unanswered > 0)) {
    console.error("Some loads were never answered: see the column 'answered'.");
    process.exitCode = 1;
  }
} catch (error) {
  console.error(`bench-client: ${error.stack ?? error}`);
  process.exitCode = 1;
} finally {
  await browser?.close();
  if (server) await stopServer(server);
}
