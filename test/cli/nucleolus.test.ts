/**
 * `partage call NUCLEOLUS` end to end through the real launcher (bin/partage, on the TypeScript
 * sources): the asynchronous function's value and errors are printed like the synchronous ones,
 * with the same exit statuses. The Talmud's estate 200 with claims 100, 200, 300 has the
 * nucleolus 50, 75, 75 (Aumann & Maschler 1985).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const bin = join(root, 'bin', 'partage');

function partage(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(bin, args, { cwd: root, input, encoding: 'utf8', env: { ...process.env, PARTAGE_FROM_SOURCE: '1' }, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const LABELS = [['first'], ['second'], ['third'], ['first,second'], ['first,third'], ['second,third'], ['first,second,third']];
// v(S) = max(0, 200 − the claims of the others).
const TALMUD_200 = [[0], [0], [0], [0], [0], [100], [200]];

describe('partage call NUCLEOLUS', () => {
  it('prints the Talmud rule and exits 0', () => {
    const { status, stdout, stderr } = partage(['call', 'NUCLEOLUS', JSON.stringify([LABELS, TALMUD_200])]);
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    const rows = (JSON.parse(stdout) as { value: [string, number][] }).value;
    expect(rows.map(([name]) => name)).toEqual(['first', 'second', 'third']);
    rows.forEach(([, x], i) => expect(Math.abs(x - [50, 75, 75][i])).toBeLessThanOrEqual(1e-9 * 200));
  }, 90_000);

  it('prints a rejection as the error JSON and exits 1 (arguments on stdin)', () => {
    const { status, stdout } = partage(['call', 'NUCLEOLUS'], JSON.stringify([[['A'], ['B'], ['A,B']], [[60], [50], [100]], null, 'nucleolus']));
    expect(status).toBe(1);
    expect(JSON.parse(stdout)).toEqual({ error: '#VALUE!', message: expect.stringMatching(/^values: the stand-alone values v\(\{i\}\) sum to 110, more than v\(N\) = 100/) });
  }, 90_000);

  it('names a bad kind', () => {
    const { status, stdout } = partage(['call', 'NUCLEOLUS', JSON.stringify([LABELS, TALMUD_200, null, 'core'])]);
    expect(status).toBe(1);
    expect(JSON.parse(stdout)).toEqual({ error: '#VALUE!', message: 'kind: expected one of "nucleolus", "prenucleolus", got "core"' });
  }, 90_000);
});
