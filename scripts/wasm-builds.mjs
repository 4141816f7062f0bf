#!/usr/bin/env node
// The lighter browser builds, made after `cargo leptos build --release
// --precompress` (`make build` runs both). That build's wasm has every
// island; each build here has only the islands of some pages (frontend's
// features: the procedure page's, the case page's, the entity's forms',
// the other pages'), so it leaves out the code of the others. The island
// script (app/src/components/islands.js) loads the lightest build that has
// every island of the page, and the full one when none has.
//
// Each build is named by its content, as cargo-leptos names the full one
// (pkg/manual-<build>.<hash>.js and .wasm), stored beside a brotli (level
// 11) and a gzip copy, and written into the release build's hash file as a
// line the server reads (app::server::assets):
//
//   islands-build: <js file> <wasm file> <island>,<island>,…
//
// the islands being the functions the build exports, as the server names
// them in the page (`data-component`). Lightest first.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";

const root = fileURLToPath(new URL("..", import.meta.url));
// As cargo-leptos builds and names the full one (Cargo.toml's
// workspace.metadata.leptos).
const BUILDS = ["procedure-page", "case-page", "portal-pages", "other-pages"];
const OUTPUT_NAME = "manual";
const PKG = join(root, "target", "site", "pkg");
const HASH_FILE = join(root, "target", "release", "hash.txt");
const WASM = join(root, "target", "front", "wasm32-unknown-unknown", "wasm-release", "frontend.wasm");
const WASM_OPT_FLAGS = ["-Oz", "--enable-bulk-memory", "--enable-nontrapping-float-to-int"];

const run = (command, args) => execFileSync(command, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });

// What an island exports: its component's name and a number.
const ISLAND_EXPORT = /^[A-Z]\w*_\d+$/;

// The names of a wasm module's exported functions (the export section).
function exportedFunctions(wasm) {
  let at = 8;
  const leb = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = wasm[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < wasm.length) {
    const id = wasm[at++];
    const size = leb();
    const end = at + size;
    if (id === 7) {
      const names = [];
      for (let count = leb(); count > 0; count -= 1) {
        const length = leb();
        const name = wasm.subarray(at, at + length).toString("utf8");
        at += length;
        const kind = wasm[at++];
        leb();
        if (kind === 0) names.push(name);
      }
      return names;
    }
    at = end;
  }
  return [];
}

// Base64url of the content's hash, 22 characters like cargo-leptos's.
const contentHash = (bytes) => createHash("sha256").update(bytes).digest("base64url").slice(0, 22);

function store(name, bytes) {
  const path = join(PKG, name);
  writeFileSync(path, bytes);
  writeFileSync(`${path}.br`, zlib.brotliCompressSync(bytes, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  }));
  writeFileSync(`${path}.gz`, zlib.gzipSync(bytes, { level: zlib.constants.Z_BEST_COMPRESSION }));
}

// The hash file as cargo-leptos wrote it, without a former run's lines.
const hashFile = existsSync(HASH_FILE)
  ? readFileSync(HASH_FILE, "utf8").split("\n").filter((line) => line && !line.startsWith("islands-build:"))
  : [];
if (!hashFile.some((line) => line.startsWith("wasm:"))) {
  console.error(`wasm-builds: ${HASH_FILE} names no wasm: run \`cargo leptos build --release --precompress\` first`);
  process.exit(1);
}
// The last run's builds go: their names no longer match their content.
for (const file of readdirSync(PKG)) {
  if (file.startsWith(`${OUTPUT_NAME}-`)) rmSync(join(PKG, file));
}

const work = mkdtempSync(join(tmpdir(), "wasm-builds-"));
const lines = [];
try {
  for (const build of BUILDS) {
    console.log(`wasm-builds: ${build}`);
    run("cargo", [
      "build", "--package=frontend", "--lib", "--target=wasm32-unknown-unknown", "--profile=wasm-release",
      `--target-dir=${join(root, "target", "front")}`, "--no-default-features", `--features=${build}`,
    ]);
    const outName = `${OUTPUT_NAME}-${build}`;
    run("wasm-bindgen", ["--target", "web", "--no-typescript", "--out-dir", work, "--out-name", outName, WASM]);
    const wasmPath = join(work, `${outName}_bg.wasm`);
    run("wasm-opt", [...WASM_OPT_FLAGS, wasmPath, "-o", wasmPath]);

    const wasm = readFileSync(wasmPath);
    const js = readFileSync(join(work, `${outName}.js`));
    const islands = exportedFunctions(wasm).filter((name) => ISLAND_EXPORT.test(name));
    const wasmName = `${outName}.${contentHash(wasm)}.wasm`;
    const jsName = `${outName}.${contentHash(js)}.js`;
    store(wasmName, wasm);
    store(jsName, js);
    lines.push({ size: wasm.length, line: `islands-build: ${jsName} ${wasmName} ${islands.join(",")}` });
    console.log(`wasm-builds: ${build}: ${wasmName}, ${wasm.length} bytes, islands ${islands.join(", ")}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
lines.sort((a, b) => a.size - b.size);
writeFileSync(HASH_FILE, `${[...hashFile, ...lines.map((l) => l.line)].join("\n")}\n`);
