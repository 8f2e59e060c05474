import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, type CliIo } from '../../src/cli/io';
import { runCli } from '../../src/cli/main';
import * as registry from '../../src/functions/registry';

const root = join(__dirname, '..', '..');
const bin = join(root, 'bin', 'partage');

/** Runs the real launcher (tsx on the sources; PARTAGE_FROM_SOURCE keeps a stale lib/ out). */
function partage(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(bin, args, {
    cwd: root,
    input,
    encoding: 'utf8',
    env: { ...process.env, PARTAGE_FROM_SOURCE: '1' },
    timeout: 30000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a command line in-process, with stdin given or standing for a terminal. */
function run(args: string[], stdin?: string): { status: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    writeOut: (text) => {
      stdout += text;
    },
    writeErr: (text) => {
      stderr += text;
    },
    readStdin: () => {
      if (stdin === undefined) throw new Error('stdin read although it is a terminal');
      return stdin;
    },
    stdinIsTerminal: () => stdin === undefined,
  };
  const status = runCli(args, io);
  return { status, stdout, stderr };
}

describe('partage (spawned)', () => {
  test('call prints the value and exits 0', () => {
    const { status, stdout } = partage(['call', 'TRANSFERBASE', '[1e9, 0.55, 0.7]']);
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ value: 385e6 });
  });

  test('a function error is printed as JSON with exit status 1', () => {
    const { status, stdout } = partage(['call', 'shapley', '[[["A"],["B"]], [[1],[2]]]']);
    expect(status).toBe(1);
    expect(JSON.parse(stdout)).toEqual({ error: '#N/A', message: expect.stringMatching(/^coalitions: missing \{A, B\}/) });
  });

  test('arguments on stdin', () => {
    const { status, stdout } = partage(['call', 'VOTINGPOWER'], '[[[4],[4],[4],[2],[2],[1]], 12]');
    expect(status).toBe(0);
    const powers = (JSON.parse(stdout) as { value: number[][] }).value.map(([x]) => x);
    [7 / 30, 7 / 30, 7 / 30, 3 / 20, 3 / 20, 0].forEach((want, i) => expect(powers[i]).toBeCloseTo(want, 12));
  });

  test('a usage error exits 2 with the message and usage on stderr', () => {
    const { status, stdout, stderr } = partage(['call', 'NOSUCHFUNCTION', '[]']);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain("unknown function 'NOSUCHFUNCTION'");
    expect(stderr).toContain('Usage: partage call');
  });

  test('--list, --version, --help', () => {
    const list = partage(['call', '--list']);
    expect(list.status).toBe(0);
    expect(list.stdout).toContain('SHAPLEY(coalitions, values, [players], [amount])');
    expect(list.stdout).toContain('PAYTOTRAIN(amount, counts, [weights], [minimumPayout], [decimals])');

    const version = partage(['--version']);
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version);

    const help = partage(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: partage/);
    expect(help.stdout).toMatch(/call \[options\] \[name\] \[arguments\]/);
  });
});

describe('partage call (in-process)', () => {
  test('the same adapters as Excel: value and errors', () => {
    expect(run(['call', 'PURPOSESHARE', '[385e6, "generalist", [[0.4]]]'])).toEqual({ status: EXIT.ok, stdout: '{"value":154000000}\n', stderr: '' });
    const error = run(['call', 'TRANSFERBASE', '[[[1],[2]], [[0.5],[55]]]']);
    expect(error.status).toBe(EXIT.functionError);
    expect(JSON.parse(error.stdout)).toEqual({ error: '#VALUE!', message: expect.stringMatching(/^linkShare, row 2: .*55 % is 0\.55/) });
  });

  test('null stands for an omitted argument, as Excel passes it', () => {
    expect(JSON.parse(run(['call', 'PAYTOTRAIN', '[10, [[1],[1],[1]], null, null, 0]']).stdout)).toEqual({ value: [[4], [3], [3]] });
  });

  test('the PARTAGE. prefix and any case are accepted', () => {
    expect(run(['call', 'partage.transferBase', '[100]']).stdout).toBe('{"value":100}\n');
  });

  test.each([
    [['call', 'SHAPLEY', '[[["A"]], [[1]]'], 'not valid JSON'],
    [['call', 'SHAPLEY', '{"coalitions": 1}'], 'must be a JSON array'],
    [['call', 'TRANSFERBASE', '[1, 2, 3, 4, 5]'], 'takes at most 4 arguments, got 5'],
    [['call', 'PURPOSESHARE', '[1, 2]'], 'needs at least 3 arguments, got 2'],
    [['call', 'FOO', '[]'], "unknown function 'FOO'"],
    [['call'], 'missing function name'],
    [['call', 'SHAPLEY', '--list'], '--list takes no function name'],
    [['call', 'SHAPLEY', '[]', 'extra'], 'too many arguments'],
    [['calc', 'SHAPLEY'], "unknown command 'calc'"],
    [['--frobnicate'], "unknown option '--frobnicate'"],
  ])('usage error %j', (args, message) => {
    const { status, stdout, stderr } = run(args);
    expect(status).toBe(EXIT.usage);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
  });

  test('no command shows the help on stderr as a usage error', () => {
    const { status, stderr } = run([]);
    expect(status).toBe(EXIT.usage);
    expect(stderr).toContain('Usage: partage');
  });

  test('without JSON and with a terminal on stdin, says how to give the arguments instead of waiting', () => {
    const { status, stderr } = run(['call', 'SHAPLEY']);
    expect(status).toBe(EXIT.usage);
    expect(stderr).toContain('give the arguments of SHAPLEY(coalitions, values, [players], [amount]) as a JSON array');
  });

  test('arguments from stdin', () => {
    expect(run(['call', 'TRANSFERBASE'], '[1e9, 0.55, 0.7]\n').stdout).toBe('{"value":385000000}\n');
    expect(run(['call', 'TRANSFERBASE'], 'oops').status).toBe(EXIT.usage);
  });

  test('--list names every function with its arguments', () => {
    const { status, stdout } = run(['call', '--list']);
    expect(status).toBe(EXIT.ok);
    for (const spec of Object.values(registry.FUNCTIONS)) expect(stdout).toContain(registry.signatureOf(spec));
  });

  test('a bug is exit status 3, JSON on stdout and the stack on stderr', () => {
    const spy = jest.spyOn(registry, 'callFunction').mockImplementation(() => {
      throw new TypeError('boom');
    });
    try {
      const { status, stdout, stderr } = run(['call', 'TRANSFERBASE', '[1]']);
      expect(status).toBe(EXIT.internal);
      expect(JSON.parse(stdout)).toEqual({ error: '#VALUE!', message: 'internal error in TRANSFERBASE: boom' });
      expect(stderr).toContain('TypeError: boom');
    } finally {
      spy.mockRestore();
    }
  });
});

describe('partage companion (command line)', () => {
  test('--help lists its options with their defaults', () => {
    const { status, stdout } = run(['companion', '--help']);
    expect(status).toBe(0);
    for (const option of ['--port', '--data-dir', '--backend', '--origin', '--http', '--threads', '--jobs']) expect(stdout).toContain(option);
    expect(stdout).toContain('3917');
  });

  test.each([
    [['--port', '70000'], /--port.*0 to 65535/],
    [['--backend', 'tpu'], /--backend.*auto, cpu/],
    [['--origin', 'https://localhost:3000/taskpane.html'], /not an origin/],
    [['--threads', '0'], /--threads.*1 to 1024/],
  ])('refuses %j as a usage error (exit 2) naming the option', (args, message) => {
    const { status, stderr } = run(['companion', ...args]);
    expect(status).toBe(EXIT.usage);
    expect(stderr).toMatch(message);
  });
});
