/*
 * Reading numbers as economists type them ("1'000'000'000", "1 bn", "55 %") and writing them
 * back. Every conversion goes through the decimal text, never through float arithmetic, so
 * "12.34" % is exactly the double nearest to 0.1234 and an amount shown back is what was typed.
 */

/** Group separators people type: spaces of all widths and the Swiss apostrophes. */
const GROUP_SEPARATORS = /[\s\u00a0\u202f\u2009'\u2019]/g;

/** Magnitude words written after an amount, as powers of ten. */
const MAGNITUDES: ReadonlyMap<string, number> = new Map([
  ['k', 3],
  ['m', 6],
  ['mn', 6],
  ['mio', 6],
  ['bn', 9],
  ['b', 9],
  ['mrd', 9],
]);

/** A plain decimal: sign, digits, optional fraction, optional exponent. */
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i;

/**
 * The number a decimal text denotes, scaled by 10^shift, as the nearest double (JavaScript's
 * own parser rounds "d…de-x" correctly). undefined when the text is not a plain decimal.
 */
function decimalTextToNumber(text: string, shift: number): number | undefined {
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  if (whole === '' && fraction === '') return undefined;
  const digits = `${whole}${fraction}`.replace(/^0+(?=\d)/, '');
  const value = Number(`${sign}${digits === '' ? '0' : digits}e${Number(exponent) - fraction.length + shift}`);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Commas are thousands separators only where they sit every three digits ("1,000,000.5");
 * anywhere else a comma is a decimal comma, which we refuse rather than guess.
 */
function withoutCommaGroups(text: string): string | undefined {
  if (!text.includes(',')) return text;
  if (/^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$/.test(text)) return text.replace(/,/g, '');
  return undefined;
}

export type Parsed = { ok: true; value: number } | { ok: false; reason: string };

/**
 * An amount of money: "1000000000", "1,000,000,000", "1'000'000'000", "1 000 000 000",
 * "1 bn", "385 M", "2.5k", "1e9". Negative amounts are refused (every amount in the chain is
 * ≥ 0, see transferBase).
 */
export function parseAmount(text: string): Parsed {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, reason: 'is empty' };
  const magnitude = /^(.*?)\s*([a-z]+)\.?$/i.exec(trimmed);
  let body = trimmed;
  let shift = 0;
  if (magnitude && !/^\d*\.?\d*e[+-]?\d+$/i.test(trimmed)) {
    if (magnitude[1].trim() === '') return { ok: false, reason: 'must be a number' };
    const power = MAGNITUDES.get(magnitude[2].toLowerCase());
    if (power === undefined) return { ok: false, reason: `has an unknown unit "${magnitude[2]}" (use k, M or bn)` };
    body = magnitude[1];
    shift = power;
  }
  const plain = withoutCommaGroups(body.replace(GROUP_SEPARATORS, ''));
  if (plain === undefined) return { ok: false, reason: 'uses a comma that is not a thousands separator (write decimals with a point)' };
  const value = decimalTextToNumber(plain, shift);
  if (value === undefined) return { ok: false, reason: 'must be a number' };
  if (value < 0) return { ok: false, reason: 'must be ≥ 0' };
  return { ok: true, value: value === 0 ? 0 : value };
}

/**
 * A percentage typed in percent ("55", "55 %", "12.5%"), returned as the fraction the
 * PARTAGE functions take (0.55). Outside 0 … 100 % is refused: a share above 1 is an error,
 * never silently rescaled.
 */
export function parsePercent(text: string): Parsed {
  const trimmed = text.trim().replace(/\s*%$/, '');
  if (trimmed === '') return { ok: false, reason: 'is empty' };
  const plain = trimmed.replace(GROUP_SEPARATORS, '');
  if (plain.includes(',')) return { ok: false, reason: 'uses a comma (write decimals with a point)' };
  const value = decimalTextToNumber(plain, -2);
  if (value === undefined) return { ok: false, reason: 'must be a percentage' };
  if (value < 0 || value > 1) return { ok: false, reason: 'must be from 0 % to 100 %' };
  return { ok: true, value: value === 0 ? 0 : value };
}

/** The shortest decimal text that reads back as `value`, with its point moved by `shift`. */
function shiftedShortestText(value: number, shift: number): string {
  const [mantissa, exponentText = '0'] = String(Math.abs(value)).split('e');
  const [whole, fraction = ''] = mantissa.split('.');
  const exponent = Number(exponentText) + shift;
  let digits = whole + fraction;
  let point = whole.length + exponent;
  if (point <= 0) {
    digits = '0'.repeat(1 - point) + digits;
    point = 1;
  } else if (point > digits.length) {
    digits = digits + '0'.repeat(point - digits.length);
  }
  const integer = digits.slice(0, point).replace(/^0+(?=\d)/, '');
  const decimals = digits.slice(point).replace(/0+$/, '');
  return `${value < 0 ? '-' : ''}${integer}${decimals === '' ? '' : `.${decimals}`}`;
}

/** An amount as the wizard shows it for editing: "1,000,000,000" (parseAmount reads it back exactly). */
export function amountEntryText(value: number): string {
  const text = shiftedShortestText(value, 0);
  const [integer, decimals] = text.split('.');
  const grouped = integer.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return decimals === undefined ? grouped : `${grouped}.${decimals}`;
}

/** A fraction as the wizard shows it for editing, in percent: 0.55 → "55" (parsePercent reads it back exactly). */
export function percentEntryText(fraction: number): string {
  return shiftedShortestText(fraction, 2);
}

export const CURRENCIES = ['CHF', 'EUR', 'USD', 'GBP', 'JPY', 'CAD', 'AUD', 'SEK', 'NOK', 'DKK'] as const;
export type Currency = (typeof CURRENCIES)[number];

export function isCurrency(code: unknown): code is Currency {
  return typeof code === 'string' && (CURRENCIES as readonly string[]).includes(code);
}

/** Decimals of the currency's minor unit (JPY has none). */
export function currencyDecimals(currency: Currency): number {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** "CHF 154,000,000.00": the ISO code, as in the sheet's number format, so every currency reads alike. */
export function formatMoney(value: number, currency: Currency): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency, currencyDisplay: 'code' })
    .format(value)
    .replace(/\u00a0/g, ' ');
}

/** 0.154 → "15.4 %", up to two decimals of a percent. */
export function formatPercent(fraction: number): string {
  const text = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(fraction * 100);
  return `${text} %`;
}

/** The Excel number format of amounts in `currency`: "CHF 154,000,000.00". */
export function excelMoneyFormat(currency: Currency): string {
  const decimals = currencyDecimals(currency);
  const number = decimals > 0 ? `#,##0.${'0'.repeat(decimals)}` : '#,##0';
  return `"${currency} "${number};-"${currency} "${number}`;
}

/** Percentages with one to three decimals: 55.0 %, 12.34 %. */
export const EXCEL_PERCENT_FORMAT = '0.0##%';
