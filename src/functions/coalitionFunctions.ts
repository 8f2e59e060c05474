import { exactBanzhaf, exactShapley } from '../engine/shapley/exact';
import { readCoalitionTable } from './coalitionTable';
import { invalidValue, withEngineErrors } from './errors';
import { readOptionalNumber } from './ranges';

/**
 * PARTAGE.SHAPLEY(coalitions, values, [players], [amount]): one row per player,
 * [player, Shapley value] and, with `amount`, a third column splitting the amount in
 * proportion to the Shapley values of the surplus v(N) − v(∅).
 */
export function SHAPLEY(coalitions: unknown, values: unknown, players?: unknown, amount?: unknown): (string | number)[][] {
  const table = readCoalitionTable(coalitions, values, players);
  const amountValue = readOptionalNumber(amount, 'amount');
  const n = table.names.length;
  const phi = withEngineErrors(() => exactShapley(table.values, n));

  if (amountValue === undefined) return table.names.map((name, i) => [name, phi[i]]);
  // Efficiency: Σφᵢ = v(N) − v(∅), so the third column sums to the amount.
  const surplus = table.values[2 ** n - 1] - table.values[0];
  if (surplus === 0) {
    throw invalidValue('amount', 'cannot be split in proportion to the Shapley values: v(N) equals v(∅), so they sum to 0');
  }
  return table.names.map((name, i) => {
    // Multiply first: 100 × 30 / 100 is exactly 30 where 100 × (30 / 100) is 30.000000000000004.
    // Divide first only when the product overflows although the part itself may not.
    const part = (amountValue * phi[i]) / surplus;
    return [name, phi[i], Number.isFinite(part) ? part : amountValue * (phi[i] / surplus)];
  });
}

/** PARTAGE.BANZHAF(coalitions, values, [players]): [player, raw Banzhaf value] per player. */
export function BANZHAF(coalitions: unknown, values: unknown, players?: unknown): (string | number)[][] {
  const table = readCoalitionTable(coalitions, values, players);
  const beta = withEngineErrors(() => exactBanzhaf(table.values, table.names.length));
  return table.names.map((name, i) => [name, beta[i]]);
}
