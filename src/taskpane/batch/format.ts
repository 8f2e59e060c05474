/* How the batch runner shows numbers, durations and states (en-US digits, as Excel's API returns them). */
import type { JobState } from '../companion/companionApi';

/** `digits` significant digits, no exponent for ordinary magnitudes: 45, 0.333333, 1,234,570. */
export function formatNumber(x: number, digits = 6): string {
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && (Math.abs(x) < 1e-4 || Math.abs(x) >= 1e12)) return x.toExponential(Math.min(3, digits - 1));
  return x.toLocaleString('en-US', { maximumSignificantDigits: digits });
}

export function formatShare(share: number | undefined): string {
  return share === undefined ? '—' : `${(share * 100).toFixed(1)} %`;
}

/** "about 12 s left", "about 3 min left". */
export function formatEta(seconds: number | undefined): string | undefined {
  if (seconds === undefined || !Number.isFinite(seconds)) return undefined;
  if (seconds < 1) return 'less than a second left';
  if (seconds < 90) return `about ${Math.round(seconds)} s left`;
  if (seconds < 90 * 60) return `about ${Math.round(seconds / 60)} min left`;
  return `about ${(seconds / 3600).toFixed(1)} h left`;
}

export const STATE_TEXT: Readonly<Record<JobState, string>> = {
  queued: 'Waiting',
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};
