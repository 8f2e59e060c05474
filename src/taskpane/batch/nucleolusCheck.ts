/**
 * Whether a coalition table has a nucleolus, in the batch runner's words: the engine's own test
 * (requireImputation, as PARTAGE.NUCLEOLUS and shapley.nucleolus apply it), told as the choice the
 * user has in the form — the pre-nucleolus, which has no individual bound. Used on Run, before a
 * job is sent anywhere, and by the pane's worker.
 */
import { EngineInputError } from '../../engine/errors';
import { requireImputation } from '../../engine/shapley/nucleolus';

export function noImputationMessage(values: ArrayLike<number>, n: number): string | undefined {
  try {
    requireImputation(values, n);
    return undefined;
  } catch (error) {
    if (!(error instanceof EngineInputError)) throw error;
    let standAlone = 0;
    for (let i = 0; i < n; i++) standAlone += values[1 << i];
    return (
      `This table has no nucleolus: the stand-alone values v({i}) sum to ${standAlone.toLocaleString('en-US')}, more than v(N) = ${values[2 ** n - 1].toLocaleString('en-US')}, ` +
      'so no split gives every player at least what it gets alone. Choose "Pre-nucleolus", which has no such bound.'
    );
  }
}
