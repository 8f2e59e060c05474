/**
 * The companion over https, as the add-in reaches it: a certificate made by office-addin-dev-certs
 * (in a temp folder here, so that the test never touches the user's or the system's trust store),
 * trusted through its CA, and the URL printed as https://localhost:PORT.
 */
import https from 'node:https';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateCertificates } from 'office-addin-dev-certs';
import { startCompanionService, type RunningCompanion } from '../../../src/companion/service';

jest.setTimeout(60_000);

function get(url: string, ca: Buffer, token?: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const request = https.get(url, { ca, headers: token ? { authorization: `Bearer ${token}` } : {} }, (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    });
    request.on('error', reject);
  });
}

describe('companion over https', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'partage-https-'));
  let companion: RunningCompanion | undefined;
  afterAll(async () => {
    await companion?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the API with the localhost development certificate', async () => {
    const [caPath, certPath, keyPath] = ['ca.crt', 'localhost.crt', 'localhost.key'].map((f) => path.join(dir, f));
    await generateCertificates(caPath, certPath, keyPath, 1);
    const ca = readFileSync(caPath);
    companion = await startCompanionService({ dataDir: path.join(dir, 'data'), port: 0, threads: 1, certificate: { ca, cert: readFileSync(certPath), key: readFileSync(keyPath) } });
    expect(companion.url).toBe(`https://localhost:${companion.port}`);
    const health = await get(`${companion.url}/v1/health`, ca);
    expect(health.status).toBe(200);
    expect(health.body.name).toBe('partage-companion');
    const token = readFileSync(companion.tokenPath, 'utf8').trim();
    expect((await get(`${companion.url}/v1/jobs`, ca, token)).status).toBe(200);
    // An untrusted certificate is refused by the client: the channel really is TLS.
    await expect(get(`${companion.url}/v1/health`, Buffer.from(''))).rejects.toThrow();
  });
});
