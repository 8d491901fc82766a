#!/usr/bin/env node
/**
 * Compiles to lib/ only when a source is newer than the last build, so that `npm run synth` and
 * `cdk8s synth` start at once when nothing changed. Plain JavaScript: it runs before anything
 * is compiled.
 *
 * A build is stale when lib/.build-stamp is missing, or any file or directory under the
 * compiled folders (tsconfig.json "include"), tsconfig.json or package.json is newer than it
 * (a deleted file changes its directory). The compile itself is incremental (tsc --incremental).
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const stamp = path.join(root, 'lib', '.build-stamp');
const SOURCES = ['src', 'imports', 'scripts', 'examples', 'tsconfig.json', 'package.json'];

function newest(p) {
  let stat;
  try {
    stat = fs.statSync(p);
  } catch {
    return 0;
  }
  let t = stat.mtimeMs;
  if (stat.isDirectory()) {
    for (const name of fs.readdirSync(p)) t = Math.max(t, newest(path.join(p, name)));
  }
  return t;
}

function stale() {
  let built;
  try {
    built = fs.statSync(stamp).mtimeMs;
  } catch {
    return true;
  }
  return !fs.existsSync(path.join(root, 'lib', 'src', 'main.js'))
    || SOURCES.some((s) => newest(path.join(root, s)) >= built);
}

if (stale()) {
  const tsc = require.resolve('typescript/bin/tsc');
  const started = Date.now();
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json'), '--incremental', '--tsBuildInfoFile', path.join(root, 'lib', '.tsbuildinfo')],
    { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  // The stamp takes the time the compile started: a source saved during it makes the next run compile again.
  fs.writeFileSync(stamp, '');
  fs.utimesSync(stamp, started / 1000, started / 1000);
}
