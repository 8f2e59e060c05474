/**
 * The batch jobs the pane knows about, kept in localStorage so that closing and reopening the
 * pane finds them again: companion jobs are then reattached (they kept running in the companion)
 * and their results fetched again; pane jobs die with the pane, so a pane job found unfinished
 * is marked as stopped, while finished ones keep their results here.
 */
import type { JobState } from '../companion/companionApi';
import type { SettingsStorage } from '../companion/companionSettings';
import type { ShapleyResultForSheet } from '../excel/shapleyResults';
import type { GameKind, Where } from './batchGame';

export interface BatchJobRecord {
  /** The companion's job id, or "pane-…" for pane jobs. */
  id: string;
  where: Where;
  /** The companion the job was sent to. */
  companionUrl?: string;
  /** E.g. "Coalition table, 3 players (Sheet1!A1:B8)". */
  label: string;
  gameKind: GameKind;
  /** "exact" or "sampled, 2,000 permutations, seed 7". */
  methodText: string;
  /** Names in player order, when known before the result (not for similarity). */
  players?: string[];
  createdAt: string;
  state: JobState;
  progress: number;
  etaSeconds?: number;
  /** "1,024 permutations" (pane jobs). */
  detail?: string;
  error?: { message: string; field?: string };
  result?: ShapleyResultForSheet;
}

export const JOBS_KEY = 'partage.batch.jobs';
/** Kept jobs, newest first; older ones are forgotten by the pane (the companion keeps its own). */
export const MAX_KEPT_JOBS = 30;
/** Results larger than this are not kept in localStorage (its quota is ~5 MB); the companion has them. */
const MAX_KEPT_RESULT_PLAYERS = 2_000;

export const PANE_CLOSED_MESSAGE = 'The pane was closed while this job ran in it; run it again.';

export function loadJobs(storage: SettingsStorage): BatchJobRecord[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(storage.getItem(JOBS_KEY) ?? '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed
    .filter((r): r is BatchJobRecord => typeof r === 'object' && r !== null && typeof (r as BatchJobRecord).id === 'string' && typeof (r as BatchJobRecord).state === 'string')
    .map((r) =>
      r.where === 'pane' && (r.state === 'running' || r.state === 'queued') ? { ...r, state: 'interrupted' as const, error: { message: PANE_CLOSED_MESSAGE } } : r,
    );
}

export function saveJobs(storage: SettingsStorage, jobs: readonly BatchJobRecord[]): void {
  const kept = jobs.slice(0, MAX_KEPT_JOBS).map((job) => {
    // A companion result can be fetched again; a pane result cannot, so it is kept unless huge.
    const keepResult = job.result !== undefined && job.result.players.length <= MAX_KEPT_RESULT_PLAYERS;
    const { result, etaSeconds: _eta, ...rest } = job;
    return keepResult ? { ...rest, result } : rest;
  });
  try {
    storage.setItem(JOBS_KEY, JSON.stringify(kept));
  } catch {
    // Over quota: keep the list without results rather than lose it.
    storage.setItem(JOBS_KEY, JSON.stringify(kept.map(({ result: _r, ...rest }: BatchJobRecord) => rest)));
  }
}
