/*
 * The press chain's figures, computed by the engine's transferBase and purposeShare (the same
 * implementations PARTAGE.TRANSFERBASE and PARTAGE.PURPOSESHARE call), so that the running
 * figures in the pane are the numbers the sheet will show.
 */
import { purposeShare } from '../../engine/remuneration/purposeShare';
import { transferBase, type RevenueLine } from '../../engine/remuneration/transferBase';
import type { PressInputs, RevenueLineInput, ShareInput, SplitInput } from './pressModel';

export function shareOfLine(share: ShareInput | undefined, line: number): number | undefined {
  if (share === undefined) return undefined;
  return share.perLine ? share.shares[line] : share.share;
}

/** Engine revenue lines; a share left undefined counts as 100 % (the step not applied yet). */
export function engineLines(lines: readonly RevenueLineInput[], link?: ShareInput, counterfactual?: ShareInput): RevenueLine[] {
  return lines.map((line, i) => ({
    revenue: line.revenue,
    deduction: line.deduction,
    linkShare: shareOfLine(link, i),
    counterfactualShare: shareOfLine(counterfactual, i),
  }));
}

/** Step P on a base. The bargaining split is one rate for every purpose. */
export function splitAmount(base: number, split: SplitInput): { amount: number; minimumApplied: boolean } {
  const result =
    split.kind === 'bargaining'
      ? purposeShare(base, 1, split.rate)
      : purposeShare(base, split.purpose, split.schedule, { minimum: split.minimum, mode: split.mode });
  return { amount: result.amount, minimumApplied: result.minimumApplied };
}

/** The amount to culture of the whole chain. Throws the engine's EngineInputError on inputs it refuses. */
export function pressAmount(inputs: PressInputs): number {
  const { base } = transferBase(engineLines(inputs.lines, inputs.link, inputs.counterfactual));
  return splitAmount(base, inputs.split).amount;
}
