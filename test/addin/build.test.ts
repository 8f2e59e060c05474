/*
 * Runs the real production build once (webpack CLI, as `npm run build` does) into a temporary
 * folder and checks what would be deployed: the shared-runtime page with both bundles, the
 * generated functions.json, the production manifest and the icons. About 25-40 s on two cores,
 * most of it minifying React and Fluent UI.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FUNCTION_CATALOG } from '../../src/taskpane/functionCatalog';
import { toProductionManifest } from '../../scripts/manifestUrls';

const ROOT = path.resolve(__dirname, '..', '..');
const PROD_URL = 'https://partage.test.invalid/build/';
const PARTAGE_FUNCTIONS = [
  'BANZHAF',
  'COREGAP',
  'LEAVEONEOUT',
  'LICENCEPAYMENTS',
  'NUCLEOLUS',
  'OWEN',
  'PAYTOTRAIN',
  'POOLSPLIT',
  'PURPOSESHARE',
  'RIGHTSMAP',
  'SHAPLEY',
  'SIMILARITYSPLIT',
  'TRANSFERBASE',
  'VOTINGPOWER',
];

interface MetadataParameter {
  name: string;
  description?: string;
  optional?: boolean;
}
interface MetadataFunction {
  id: string;
  name: string;
  description?: string;
  parameters: MetadataParameter[];
}
interface Stats {
  errors: Array<{ message: string }>;
  warnings: Array<{ message: string }>;
}

let dist: string;
let stats: Stats;
let exitStatus: number | null;
let output: string;

beforeAll(() => {
  dist = fs.mkdtempSync(path.join(os.tmpdir(), 'partage-build-'));
  const statsFile = path.join(dist, '..', `${path.basename(dist)}-stats.json`);
  const webpackCli = require.resolve('webpack-cli/bin/cli.js', { paths: [ROOT] });
  const run = spawnSync(process.execPath, [webpackCli, '--mode', 'production', '--output-path', dist, '--json', statsFile], {
    cwd: ROOT,
    env: { ...process.env, PARTAGE_PROD_URL: PROD_URL },
    encoding: 'utf8',
  });
  exitStatus = run.status;
  output = `${run.stdout}${run.stderr}`;
  stats = fs.existsSync(statsFile) ? (JSON.parse(fs.readFileSync(statsFile, 'utf8')) as Stats) : { errors: [{ message: output }], warnings: [] };
  fs.rmSync(statsFile, { force: true });
}, 240_000);

afterAll(() => {
  if (dist) fs.rmSync(dist, { recursive: true, force: true });
});

const read = (file: string): string => fs.readFileSync(path.join(dist, file), 'utf8');

test('builds without errors or warnings', () => {
  expect(stats.errors.map((e) => e.message)).toEqual([]);
  expect(stats.warnings.map((w) => w.message)).toEqual([]);
  expect({ exitStatus, output: exitStatus === 0 ? '' : output }).toEqual({ exitStatus: 0, output: '' });
});

test('taskpane.html loads office.js, then the functions and the task pane bundles', () => {
  const html = read('taskpane.html');
  const scripts = [...html.matchAll(/<script\b[^>]*\bsrc=["']?([^"' >]+)/g)].map((m) => m[1]);
  expect(scripts).toEqual(['https://appsforoffice.microsoft.com/lib/1/hosted/office.js', 'functions.js', 'taskpane.js']);
  expect(html).toMatch(/<div id=["']?root["']?>/);
  for (const bundle of ['functions.js', 'taskpane.js']) expect(fs.statSync(path.join(dist, bundle)).size).toBeGreaterThan(1000);
});

test('functions.js registers every function under its metadata id', () => {
  // custom-functions-metadata-plugin's loader appends these calls; without them Excel shows #NAME?.
  const registered = [...read('functions.js').matchAll(/CustomFunctions\.associate\("([A-Z]+)"/g)].map((m) => m[1]);
  expect(registered.sort()).toEqual(PARTAGE_FUNCTIONS);
});

describe('functions.json', () => {
  let functions: MetadataFunction[];
  beforeAll(() => {
    functions = (JSON.parse(read('functions.json')) as { functions: MetadataFunction[] }).functions;
  });

  test('declares every PARTAGE function, each with a description', () => {
    expect(functions.map((f) => f.id).sort()).toEqual(PARTAGE_FUNCTIONS);
    expect(functions.map((f) => f.name).sort()).toEqual(PARTAGE_FUNCTIONS);
    for (const f of functions) expect({ id: f.id, described: (f.description ?? '').length > 10 }).toEqual({ id: f.id, described: true });
  });

  test('describes every parameter', () => {
    for (const f of functions) {
      for (const p of f.parameters) {
        expect({ where: `${f.id}.${p.name}`, described: (p.description ?? '').length > 5 }).toEqual({ where: `${f.id}.${p.name}`, described: true });
      }
    }
  });

  test('agrees with the task pane catalogue on names, argument order and optional flags', () => {
    const fromMetadata = Object.fromEntries(functions.map((f) => [f.id, f.parameters.map((p) => `${p.name}${p.optional ? '?' : ''}`)]));
    const fromCatalog = Object.fromEntries(FUNCTION_CATALOG.map((e) => [e.name, e.parameters.map((p) => `${p.name}${p.optional ? '?' : ''}`)]));
    expect(fromCatalog).toEqual(fromMetadata);
  });
});

test('manifest.xml is the production manifest for PARTAGE_PROD_URL, with no localhost left', () => {
  const manifest = read('manifest.xml');
  expect(manifest).not.toMatch(/localhost/i);
  expect(manifest).toContain(`${PROD_URL}taskpane.html`);
  expect(manifest).toBe(toProductionManifest(fs.readFileSync(path.join(ROOT, 'manifest.xml'), 'utf8'), PROD_URL));
});

test('every file the production manifest points to was built', () => {
  const manifest = read('manifest.xml');
  const urls = [...manifest.matchAll(/"(https:\/\/[^"]+)"/g)].map((m) => m[1]).filter((url) => url.startsWith(PROD_URL));
  expect(urls.length).toBeGreaterThan(5);
  for (const url of urls) expect({ url, built: fs.existsSync(path.join(dist, url.slice(PROD_URL.length))) }).toEqual({ url, built: true });
});

test('copies the icons unchanged', () => {
  for (const size of [16, 32, 64, 80, 128]) {
    const name = `assets/icon-${size}.png`;
    expect(fs.readFileSync(path.join(dist, name)).equals(fs.readFileSync(path.join(ROOT, name)))).toBe(true);
  }
});

test('a development build keeps the localhost manifest (same config, development mode)', () => {
  // Asks webpack.config.js for its development config and runs the manifest copy transform,
  // instead of a second full build.
  const script = `
    const fs = require('node:fs');
    require('./webpack.config.js')({}, { mode: 'development' }).then((config) => {
      const copy = config.plugins.find((p) => p.constructor.name === 'CopyPlugin');
      const pattern = copy.patterns.find((p) => String(p.from).startsWith('manifest'));
      return pattern.transform(fs.readFileSync('manifest.xml'), 'manifest.xml');
    }).then((out) => process.stdout.write(String(out)));`;
  const out = execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, PARTAGE_PROD_URL: PROD_URL } });
  expect(out).toBe(fs.readFileSync(path.join(ROOT, 'manifest.xml'), 'utf8'));
});

test('emits highs.wasm (the LP solver of NUCLEOLUS) as an asset beside the chunk that loads it on demand', () => {
  const wasm = fs.readFileSync(path.join(dist, 'highs.wasm'));
  expect(wasm.equals(fs.readFileSync(require.resolve('highs/runtime', { paths: [ROOT] })))).toBe(true);
  const chunks = fs.readdirSync(dist).filter((file) => file.endsWith('.js') && read(file).includes('highs.wasm'));
  // Not in functions.js itself: a sheet without NUCLEOLUS never fetches the solver.
  expect(chunks.length).toBeGreaterThan(0);
  expect(chunks).not.toContain('functions.js');
});
