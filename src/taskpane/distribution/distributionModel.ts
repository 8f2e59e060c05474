/*
 * Step R from a holders range: [holder, count, (weight)] rows, split by the engine's payToTrain
 * (what PARTAGE.PAYTOTRAIN computes), and, when a Shapley batch result exists, each holder's
 * Shapley-based share of the same amount, matched by name (trimmed, case-insensitive, as the
 * sheet's MATCH formula does).
 */
import { EngineInputError } from '../../engine/errors';
import { payToTrain } from '../../engine/remuneration/payToTrain';

export interface HolderRow {
  name: string;
  /** null for a row left empty in count and weight (PAYTOTRAIN skips it and leaves its payout empty). */
  count: number | null;
  weight: number | null;
}

export interface HoldersRange {
  rows: HolderRow[];
  hasWeights: boolean;
  issues: string[];
}

function isBlank(cell: unknown): boolean {
  return cell === '' || cell === null || cell === undefined;
}

/**
 * The rows of a holders range as Excel returns them (values grid). `hasHeader`: the first row
 * names the columns and is not a holder.
 */
export function readHolders(grid: readonly unknown[][], hasHeader: boolean): HoldersRange {
  const issues: string[] = [];
  const width = grid[0]?.length ?? 0;
  if (width < 2 || width > 3) {
    return { rows: [], hasWeights: false, issues: [`Holders: expected 2 or 3 columns (holder, count, optional weight), got ${width}`] };
  }
  const hasWeights = width === 3;
  const rows: HolderRow[] = [];
  const first = hasHeader ? 1 : 0;
  if (grid.length <= first) issues.push('Holders: the range has no holder rows');
  for (let r = first; r < grid.length; r++) {
    const [nameCell, countCell, weightCell] = grid[r];
    const label = `Holder row ${r - first + 1}`;
    const name = isBlank(nameCell) ? '' : String(nameCell).trim();
    if (isBlank(countCell) && (!hasWeights || isBlank(weightCell))) {
      rows.push({ name, count: null, weight: null });
      continue;
    }
    let count: number | null = null;
    if (typeof countCell === 'number' && Number.isFinite(countCell) && countCell >= 0) count = countCell;
    else issues.push(`${label}${name ? ` (${name})` : ''}: count must be a number ≥ 0`);
    let weight: number | null = null;
    if (hasWeights) {
      if (typeof weightCell === 'number' && Number.isFinite(weightCell) && weightCell >= 0) weight = weightCell;
      else issues.push(`${label}${name ? ` (${name})` : ''}: weight must be a number ≥ 0`);
    }
    if (name === '') issues.push(`${label}: the holder has no name`);
    rows.push({ name, count, weight });
  }
  if (rows.length > 0 && rows.every((row) => row.count === null && row.weight === null) && issues.length === 0) {
    issues.push('Holders: every row is empty');
  }
  return { rows, hasWeights, issues };
}

export interface DistributionSettings {
  amount: number;
  minimumPayout: number;
  decimals: number;
}

export interface DistributionPreview {
  /** One per holder row; null where the row is empty (and its payout cell too). */
  payouts: Array<number | null>;
  total: number;
  /** false for holders dropped by the minimum payout. */
  kept: Array<boolean | null>;
}

/** The payouts PARTAGE.PAYTOTRAIN will return, or the engine's error in words. */
export function previewPayouts(holders: HoldersRange, settings: DistributionSettings): { preview?: DistributionPreview; error?: string } {
  const used = holders.rows.map((row, i) => ({ row, i })).filter(({ row }) => row.count !== null || row.weight !== null);
  try {
    const result = payToTrain(
      settings.amount,
      used.map(({ row }) => ({ count: row.count ?? 0, weight: holders.hasWeights ? row.weight ?? 0 : undefined })),
      { minimumPayout: settings.minimumPayout, decimals: settings.decimals },
    );
    const payouts: Array<number | null> = holders.rows.map(() => null);
    const kept: Array<boolean | null> = holders.rows.map(() => null);
    used.forEach(({ i }, k) => {
      payouts[i] = result.payouts[k];
      kept[i] = result.kept[k];
    });
    return { preview: { payouts, total: result.total, kept } };
  } catch (error) {
    if (error instanceof EngineInputError) {
      const row = error.index === undefined ? undefined : used[error.index]?.i;
      const where = row === undefined ? error.field : `Holder row ${row + 1}, ${error.field}`;
      return { error: `${where}: ${error.detail}` };
    }
    throw error;
  }
}

/**
 * How names are compared, as the sheet's MATCH(TRIM(holder), TRIM(players), 0) does: Excel's
 * TRIM drops leading and trailing spaces and collapses inner runs to one; MATCH ignores case.
 */
export function playerKey(name: string): string {
  return name.replace(/^ +| +$/g, '').replace(/ {2,}/g, ' ').toLowerCase();
}

/** Each holder's Shapley share, or null when the table has no such player. */
export function matchShapleyShares(holders: readonly HolderRow[], players: readonly string[], shares: readonly number[]): Array<number | null> {
  const byName = new Map<string, number>();
  players.forEach((player, i) => {
    const key = playerKey(player);
    // MATCH takes the first row of a repeated name; so do we.
    if (!byName.has(key)) byName.set(key, shares[i]);
  });
  return holders.map((holder) => byName.get(playerKey(holder.name)) ?? null);
}
