/*
 * A preview computed asynchronously from the form's validated inputs (some functions answer
 * with a Promise, e.g. NUCLEOLUS while its LP solver loads). The result is shown only for the
 * inputs it was computed from, so a slow answer never shows against newer inputs.
 */
import { useEffect, useState } from 'react';

export function usePreview<I, P>(inputs: I | undefined, compute: (inputs: I) => Promise<P>): P | undefined {
  const [done, setDone] = useState<{ inputs: I; preview: P } | undefined>(undefined);
  useEffect(() => {
    if (inputs === undefined) return undefined;
    let live = true;
    compute(inputs).then(
      (preview) => {
        if (live) setDone({ inputs, preview });
      },
      // The previews catch each function's error and show it; a rejection here is a bug, reported
      // on the console (where the browser tests fail on it) rather than as a stale preview.
      (error: unknown) => {
        if (live) console.error('partage: the preview failed', error);
      },
    );
    return () => {
      live = false;
    };
  }, [inputs, compute]);
  return done !== undefined && done.inputs === inputs ? done.preview : undefined;
}
