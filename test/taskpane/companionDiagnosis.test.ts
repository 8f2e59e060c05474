/**
 * What the pane tells the user when the companion cannot be used, what it accepts as a pairing
 * code or token, and where it keeps the pairing.
 */
import { CompanionHttpError, CompanionUnreachableError, DEFAULT_COMPANION_URL, NotACompanionError } from '../../src/taskpane/companion/companionApi';
import { loadCompanionSettings, memoryStorage, saveCompanionSettings, SETTINGS_KEY } from '../../src/taskpane/companion/companionSettings';
import { diagnose, PAIR_COMMAND, START_COMMAND, type PageLocation } from '../../src/taskpane/companion/diagnosis';
import { classifyPairingInput } from '../../src/taskpane/companion/pairingInput';

const URL_ = 'https://localhost:3917';
const DEV_PANE: PageLocation = { protocol: 'https:', hostname: 'localhost', origin: 'https://localhost:3000' };
const HOSTED_PANE: PageLocation = { protocol: 'https:', hostname: 'partage.example.org', origin: 'https://partage.example.org' };

describe('diagnose', () => {
  test('no answer, pane served from localhost: the companion is not running, and the command to start it', () => {
    const { causes } = diagnose(URL_, new CompanionUnreachableError(URL_, 'network'), DEV_PANE);
    expect(causes.map((c) => c.problem)).toEqual(['not-started']);
    expect(causes[0]).toMatchObject({ title: 'The companion is not running', command: START_COMMAND });
    expect(causes[0].detail).toContain(`Nothing answers at ${URL_}`);
  });

  test('no answer, pane hosted elsewhere: not running, or its certificate is not trusted', () => {
    const { causes } = diagnose(URL_, new CompanionUnreachableError(URL_, 'network'), HOSTED_PANE);
    expect(causes.map((c) => c.problem)).toEqual(['not-started', 'certificate']);
    expect(causes[1].link).toBe(`${URL_}/v1/health`);
    expect(causes[1].command).toBe('npx office-addin-dev-certs install');
  });

  test('a token the companion refuses: pair again, with the command that prints a new code', () => {
    const { causes } = diagnose(URL_, new CompanionHttpError(401, 'unauthorized', 'wrong bearer token', 'authorization'), DEV_PANE);
    expect(causes).toEqual([expect.objectContaining({ problem: 'token-refused', command: PAIR_COMMAND })]);
  });

  test('another server on the port: the wrong port', () => {
    const { causes } = diagnose(URL_, new NotACompanionError(URL_, 404, 'Not found'), DEV_PANE);
    expect(causes).toEqual([expect.objectContaining({ problem: 'wrong-port' })]);
    expect(causes[0].detail).toContain('HTTP 404');
  });

  test('the page’s origin refused: the command that allows it', () => {
    const { causes } = diagnose(URL_, new CompanionHttpError(403, 'origin_refused', 'origin refused', 'origin'), HOSTED_PANE);
    expect(causes).toEqual([expect.objectContaining({ problem: 'origin-refused', command: `${START_COMMAND} --origin https://partage.example.org` })]);
  });

  test('a companion that does not answer in time: restart it', () => {
    const { causes } = diagnose(URL_, new CompanionUnreachableError(URL_, 'timeout'), DEV_PANE);
    expect(causes[0]).toMatchObject({ problem: 'timeout', command: START_COMMAND });
  });
});

describe('classifyPairingInput', () => {
  test('codes as printed or typed loosely', () => {
    expect(classifyPairingInput('K7MQ-2XWD')).toEqual({ kind: 'code', code: 'K7MQ-2XWD' });
    expect(classifyPairingInput(' k7mq 2xwd ')).toEqual({ kind: 'code', code: 'K7MQ-2XWD' });
  });

  test('a token of 64 hexadecimal digits', () => {
    const token = 'AB'.repeat(32);
    expect(classifyPairingInput(token)).toEqual({ kind: 'token', token: token.toLowerCase() });
  });

  test('refuses, saying why: empty, look-alike characters, a cut token, anything else', () => {
    expect(classifyPairingInput('  ')).toMatchObject({ kind: 'invalid', message: expect.stringContaining('Type the pairing code') });
    expect(classifyPairingInput('K7MQ-2XW0')).toMatchObject({ kind: 'invalid', message: expect.stringContaining('no 0, 1, I or O') });
    expect(classifyPairingInput('ab'.repeat(20))).toMatchObject({ kind: 'invalid', message: expect.stringContaining('this has 40') });
    expect(classifyPairingInput('hello')).toMatchObject({ kind: 'invalid', message: expect.stringContaining('8 letters and digits') });
  });
});

describe('companion settings', () => {
  test('default address until saved; the token comes back as saved', () => {
    const storage = memoryStorage();
    expect(loadCompanionSettings(storage)).toEqual({ url: DEFAULT_COMPANION_URL });
    saveCompanionSettings(storage, { url: 'https://localhost:4000', token: 'abc' });
    expect(loadCompanionSettings(storage)).toEqual({ url: 'https://localhost:4000', token: 'abc' });
    saveCompanionSettings(storage, { url: 'https://localhost:4000' });
    expect(loadCompanionSettings(storage)).toEqual({ url: 'https://localhost:4000' });
  });

  test('a damaged entry counts as none', () => {
    const storage = memoryStorage();
    storage.setItem(SETTINGS_KEY, '{not json');
    expect(loadCompanionSettings(storage)).toEqual({ url: DEFAULT_COMPANION_URL });
    storage.setItem(SETTINGS_KEY, JSON.stringify({ token: 'abc' }));
    expect(loadCompanionSettings(storage)).toEqual({ url: DEFAULT_COMPANION_URL });
  });
});
