/**
 * A finished PGlite data directory (initdb and every migration) made once at build time, so that a first
 * start on an empty DATA_DIR copies it instead of running initdb (seconds, and hundreds of MB of WebAssembly
 * memory). The copy runs beside the loading of the app when the server starts it early (`prepareDataDir`).
 * The template's stamp names the PGlite version, its settings and the migrations; a template with another
 * stamp is not used, and without one the directory is made in a child process (`pglite-init.ts`), as before.
 * Made by `node services/api/dist/store/pglite-template.js` (the root `pnpm build` runs it).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, copyFile, cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MIGRATIONS } from './migrations.js';
import { PGLITE_CONF } from './pglite-conf.js';

const TEMPLATE = fileURLToPath(new URL('./pglite-template', import.meta.url));
// PG_VERSION marks a finished data directory: the template keeps it beside, and a copy gets it last.
const versionFile = (template: string) => `${template}.PG_VERSION`;
const stampFile = (template: string) => `${template}.stamp`;

/** What a template must have been made with: the PGlite package, its settings and the migrations. */
export async function templateStamp(): Promise<string> {
  const pkg = new URL(import.meta.resolve('@electric-sql/pglite').replace(/\/dist\/[^/]*$/, '/package.json'));
  const version = (JSON.parse(await readFile(pkg, 'utf8')) as { version: string }).version;
  return createHash('sha256').update(JSON.stringify({ version, conf: PGLITE_CONF, migrations: MIGRATIONS })).digest('hex');
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );
const stampOf = (template: string) => readFile(stampFile(template), 'utf8').catch(() => undefined);

/** Copies a directory's content, with the system's `cp` where there is one (twice as fast as `fs.cp`, and off this thread). */
function copyDir(from: string, to: string): Promise<void> {
  if (process.platform === 'win32') return cp(from, to, { recursive: true });
  return new Promise((resolve, reject) => {
    const child = spawn('cp', ['-R', `${from}/.`, to], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', () => cp(from, to, { recursive: true }).then(resolve, reject));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`copying the PGlite template to ${to} failed: ${stderr.trim()}`))));
  });
}

/** Runs initdb and the migrations for `dataDir` in a child process (see pglite-init.ts). */
export function initPgliteInChild(dataDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('./pglite-init.js', import.meta.url)), dataDir], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`creating the PGlite data directory ${dataDir} failed (exit code ${code}): ${stderr.trim()}`))));
  });
}

async function fill(dataDir: string, template: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  if (await exists(join(dataDir, 'PG_VERSION'))) return;
  if ((await stampOf(template)) === (await templateStamp())) {
    await copyDir(template, dataDir);
    await copyFile(versionFile(template), join(dataDir, 'PG_VERSION'));
  } else {
    await initPgliteInChild(dataDir);
  }
}

const preparing = new Map<string, Promise<void>>();

/**
 * Makes `dataDir` a finished PGlite data directory unless it is one: a copy of the template, else initdb in
 * a child process. Once per directory and process; a later call gets the first call's promise.
 */
export function prepareDataDir(dataDir: string, template = TEMPLATE): Promise<void> {
  let p = preparing.get(dataDir);
  if (!p) preparing.set(dataDir, (p = fill(dataDir, template)));
  return p;
}

/** Makes (or keeps, when its stamp is current) the template at `template`; true when it was made anew. */
export async function ensureTemplate(template = TEMPLATE): Promise<boolean> {
  const stamp = await templateStamp();
  if ((await stampOf(template)) === stamp && (await exists(template))) return false;
  const building = await mkdtemp(join(dirname(template), '.pglite-template-'));
  try {
    await initPgliteInChild(building);
    await rm(stampFile(template), { force: true });
    await rm(template, { recursive: true, force: true });
    await rename(join(building, 'PG_VERSION'), versionFile(template));
    await rename(building, template);
    await writeFile(stampFile(template), stamp);
  } finally {
    await rm(building, { recursive: true, force: true });
  }
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (await ensureTemplate(process.argv[2] ?? TEMPLATE)) console.log('flexroster: made the PGlite template data directory');
}
