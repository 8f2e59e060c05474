/**
 * What the browser tests stand on: the production build of the pane (webpack, once for all the
 * browser test files of a source tree), a small static https server for it on a random loopback port, a development
 * certificate made in a temp folder (never the user's or the system's trust store), and Debian's
 * chromium driven by playwright-core, offline (office.js from Microsoft's CDN is answered with an empty
 * script, so the pane runs as it does outside Office).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateCertificates } from 'office-addin-dev-certs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CHROMIUM = process.env.PARTAGE_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.join(ROOT, 'test-output', 'screenshots');
/** Excel's task pane is about this wide. */
export const PANE_VIEWPORT = { width: 350, height: 900 };

export interface Certificate {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

export async function makeCertificate(dir: string): Promise<Certificate> {
  const [caPath, certPath, keyPath] = ['ca.crt', 'localhost.crt', 'localhost.key'].map((f) => path.join(dir, f));
  // office-addin-dev-certs announces its work on the console; the test log does not need it.
  const log = console.log;
  console.log = () => undefined;
  try {
    await generateCertificates(caPath, certPath, keyPath, 1);
  } finally {
    console.log = log;
  }
  return { ca: readFileSync(caPath), cert: readFileSync(certPath), key: readFileSync(keyPath) };
}

/**
 * The production build of the pane for the browser test files of one source tree, built once:
 * the test files run in separate jest workers, so the first one builds (under a lock directory,
 * made atomically) and the others wait for it. The folder is keyed by the paths, sizes and
 * modification times of the sources, so an edit gets a new build. Left in the temp folder for
 * later runs of the same tree; never removed by a test.
 */
export function sharedPaneBuild(): string {
  const key = sourceFingerprint();
  const dist = path.join(tmpdir(), `partage-pane-${key}`);
  const lock = `${dist}.lock`;
  const deadline = Date.now() + 20 * 60_000;
  while (!existsSync(path.join(dist, 'taskpane.html'))) {
    try {
      mkdirSync(lock);
    } catch {
      // Another worker is building (or one died building: its lock is taken over after the deadline).
      if (Date.now() > deadline) rmSync(lock, { recursive: true, force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
      continue;
    }
    try {
      if (!existsSync(path.join(dist, 'taskpane.html'))) {
        const built = buildPane();
        rmSync(dist, { recursive: true, force: true });
        renameSync(built, dist);
      }
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return dist;
}

function sourceFingerprint(): string {
  const hash = createHash('sha256');
  const visit = (entry: string): void => {
    const stat = statSync(entry);
    if (stat.isDirectory()) {
      for (const name of readdirSync(entry).sort()) visit(path.join(entry, name));
    } else {
      hash.update(`${path.relative(ROOT, entry)}\0${stat.size}\0${stat.mtimeMs}\n`);
    }
  };
  for (const entry of ['src', 'assets', 'manifest.xml', 'webpack.config.js', 'package-lock.json']) {
    if (existsSync(path.join(ROOT, entry))) visit(path.join(ROOT, entry));
  }
  return hash.digest('hex').slice(0, 16);
}

/** `webpack --mode production` into a temp folder; throws with webpack's output when it fails. */
export function buildPane(): string {
  const dist = mkdtempSync(path.join(tmpdir(), 'partage-pane-build-'));
  const webpackCli = require.resolve('webpack-cli/bin/cli.js', { paths: [ROOT] });
  const run = spawnSync(process.execPath, [webpackCli, '--mode', 'production', '--output-path', dist, '--no-devtool'], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0 || !existsSync(path.join(dist, 'taskpane.html'))) {
    throw new Error(`webpack failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
  return dist;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
  // The LP solver of NUCLEOLUS: WebAssembly.instantiateStreaming needs this type.
  '.wasm': 'application/wasm',
};

export interface StaticServer {
  origin: string;
  close(): Promise<void>;
}

/** Serves `dir` over https on 127.0.0.1 (as https://localhost:PORT); unknown paths are 404. */
export async function serveStatic(dir: string, certificate: Certificate): Promise<StaticServer> {
  const root = path.resolve(dir);
  const server = https.createServer({ cert: certificate.cert, key: certificate.key }, (request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'https://localhost').pathname);
    const file = path.resolve(root, `.${pathname === '/' ? '/taskpane.html' : pathname}`);
    if (!file.startsWith(root + path.sep) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    response.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `https://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--ignore-certificate-errors',
    ],
  });
}

/** A fresh profile at the pane's width, offline to everything but loopback. */
export async function paneContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: PANE_VIEWPORT, ignoreHTTPSErrors: true, locale: 'en-US' });
  // Playwright's 30 s defaults are about speed; a busy 2-core machine must not fail a step.
  context.setDefaultTimeout(120_000);
  context.setDefaultNavigationTimeout(120_000);
  // office.js answers with an empty script: the page runs as outside Office (Office and
  // CustomFunctions undefined) without a failed request, which Chromium would log as a console
  // error, and the tests fail on any console error.
  await context.route('https://appsforoffice.microsoft.com/**', (route) =>
    route.fulfill({ status: 200, contentType: 'text/javascript; charset=utf-8', body: '/* office.js is not loaded in the browser tests */\n' }),
  );
  return context;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Transitions finished (the selected tab's underline slides), so the picture shows the settled screen.
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true, animations: 'disabled' });
}

export function removeDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

export interface OpenPane {
  page: Page;
  server: StaticServer;
  /** Page errors and console errors so far, to be emptied after each test (none may occur). */
  pageErrors: string[];
  close(): Promise<void>;
}

/**
 * The pane of the shared build, served over https and open in chromium at the pane's width,
 * outside Office; every page error and console error is collected, but for the pane's look-up
 * of a companion at a loopback address where none runs.
 */
export async function openPane(): Promise<OpenPane> {
  const dist = sharedPaneBuild();
  const certDir = mkdtempSync(path.join(tmpdir(), 'partage-cert-'));
  const server = await serveStatic(dist, await makeCertificate(certDir));
  const browser = await launchBrowser();
  const page = await (await paneContext(browser)).newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const url = message.location().url;
    if (/^Failed to load resource: net::ERR_CONNECTION_REFUSED/.test(message.text()) && /^https?:\/\/(localhost|127\.0\.0\.1):\d+\//.test(url) && !url.startsWith(server.origin)) return;
    pageErrors.push(`console error: ${message.text()}${url ? ` (${url})` : ''}`);
  });
  await page.goto(`${server.origin}/taskpane.html`);
  return {
    page,
    server,
    pageErrors,
    close: async () => {
      await browser.close();
      await server.close();
      removeDir(certDir);
    },
  };
}
