/**
 * What the user typed to pair: the short one-time code the companion prints (XXXX-XXXX), or the
 * 64-hex-digit token from its data folder. The companion judges a code; the pane only checks the
 * shape so that a typo is caught before a request (and before it costs one of the 5 attempts).
 */

export type PairingInput = { kind: 'code'; code: string } | { kind: 'token'; token: string } | { kind: 'invalid'; message: string };

const TOKEN = /^[0-9a-f]{64}$/i;

export function classifyPairingInput(text: string): PairingInput {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'invalid', message: 'Type the pairing code the companion printed (such as K7MQ-2XWD), or paste its token.' };
  if (TOKEN.test(trimmed)) return { kind: 'token', token: trimmed.toLowerCase() };
  const bare = trimmed.replace(/[\s-]+/g, '').toUpperCase();
  if (/^[A-Z0-9]{8}$/.test(bare)) {
    if (/[01IO]/.test(bare)) {
      return { kind: 'invalid', message: 'Pairing codes have no 0, 1, I or O: check the code the companion printed (it uses letters and digits that cannot be mistaken).' };
    }
    return { kind: 'code', code: `${bare.slice(0, 4)}-${bare.slice(4)}` };
  }
  if (/^[0-9a-f]+$/i.test(trimmed) && trimmed.length > 16) {
    return { kind: 'invalid', message: `A token has 64 hexadecimal digits; this has ${trimmed.length}. Copy the whole line of the token file.` };
  }
  return { kind: 'invalid', message: 'A pairing code has 8 letters and digits, such as K7MQ-2XWD.' };
}
