/**
 * The batch runner's job list: starting jobs on the companion or in the pane, following them
 * (companion jobs by their event stream, reconnecting and polling when it breaks), cancelling,
 * resuming interrupted companion jobs, and reattaching to the companion's jobs when the pane is
 * reopened (jobStore.ts keeps the list).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { CompanionHttpError, isEnded, type CompanionClient, type JobStatus } from '../companion/companionApi';
import type { SettingsStorage } from '../companion/companionSettings';
import { companionJob, describeGame, describeMethod, paneRequest, playerCount, resultFromCompanion, resultFromPane, type BatchGame, type BatchMethod, type Where } from './batchGame';
import { loadJobs, saveJobs, type BatchJobRecord } from './jobStore';
import { PaneJobCancelled, PaneJobFailed, type PaneRunner } from './paneRunner';

export interface BatchJobs {
  jobs: BatchJobRecord[];
  start(game: BatchGame, method: BatchMethod, where: Where): Promise<string>;
  cancel(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  remove(id: string): void;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

function newPaneId(): string {
  const random = typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
  return `pane-${random}`;
}

/** A record updated with what the companion says of its job. */
export function applyStatus(record: BatchJobRecord, job: JobStatus): BatchJobRecord {
  const next: BatchJobRecord = { ...record, state: job.state, progress: job.state === 'done' ? 1 : job.progress };
  if (job.etaSeconds !== undefined && job.state === 'running') next.etaSeconds = job.etaSeconds;
  else delete next.etaSeconds;
  if (job.error) next.error = { message: job.error.message, ...(job.error.field ? { field: job.error.field } : {}) };
  else if (job.state !== 'interrupted') delete next.error;
  if (job.state === 'done' && job.result) next.result = resultFromCompanion(job, { label: record.label, players: record.players });
  return next;
}

export function useBatchJobs(options: { storage: SettingsStorage; client: CompanionClient | undefined; pane: PaneRunner; online: boolean }): BatchJobs {
  const { storage, client, pane, online } = options;
  const [jobs, setJobs] = useState<BatchJobRecord[]>(() => loadJobs(storage));
  const followers = useRef(new Map<string, AbortController>());
  const jobsRef = useRef(jobs);
  jobsRef.current = jobs;

  useEffect(() => saveJobs(storage, jobs), [storage, jobs]);

  const update = useCallback((id: string, change: (record: BatchJobRecord) => BatchJobRecord) => {
    setJobs((previous) => previous.map((record) => (record.id === id ? change(record) : record)));
  }, []);

  const follow = useCallback(
    (id: string, companion: CompanionClient) => {
      if (followers.current.has(id)) return;
      const controller = new AbortController();
      followers.current.set(id, controller);
      const { signal } = controller;
      void (async () => {
        let delay = 1_000;
        try {
          while (!signal.aborted) {
            try {
              const end = await companion.follow(id, (job) => update(id, (r) => applyStatus(r, job)), signal);
              update(id, (r) => applyStatus(r, end));
              return;
            } catch (error) {
              if (signal.aborted) return;
              if (error instanceof CompanionHttpError && error.status === 404) {
                update(id, (r) => ({ ...r, state: 'failed', error: { message: 'The companion no longer knows this job (its data folder changed).' } }));
                return;
              }
              // The stream broke (companion restarted or busy): ask for the status, then listen again.
              await sleep(delay, signal);
              delay = Math.min(delay * 2, 10_000);
              try {
                const job = await companion.job(id);
                update(id, (r) => applyStatus(r, job));
                if (isEnded(job.state)) return;
              } catch {
                // still away; try again
              }
            }
          }
        } finally {
          if (followers.current.get(id) === controller) followers.current.delete(id);
        }
      })();
    },
    [update],
  );

  // Reattach to this companion's jobs when the pane opens and whenever the companion is back:
  // follow the unfinished at once (not after a follower's back-off), refresh the interrupted
  // (resumed elsewhere?) and fetch the results of the finished.
  useEffect(() => {
    if (!client || !online) return;
    for (const record of jobsRef.current) {
      if (record.where !== 'companion' || record.companionUrl !== client.url) continue;
      if (!isEnded(record.state)) {
        followers.current.get(record.id)?.abort();
        followers.current.delete(record.id);
        follow(record.id, client);
      } else if (record.state === 'interrupted' || (record.state === 'done' && !record.result)) {
        client.job(record.id).then(
          (job) => {
            update(record.id, (r) => applyStatus(r, job));
            if (!isEnded(job.state)) follow(record.id, client);
          },
          () => undefined,
        );
      }
    }
  }, [client, online, follow, update]);

  // Stop listening when the pane goes away or the pairing changes.
  useEffect(() => {
    const map = followers.current;
    return () => {
      for (const controller of map.values()) controller.abort();
      map.clear();
    };
  }, [client]);

  const start = useCallback(
    async (game: BatchGame, method: BatchMethod, where: Where): Promise<string> => {
      const base = {
        label: describeGame(game),
        gameKind: game.kind,
        methodText: game.kind === 'similarity' ? `threshold ${game.threshold}, ${game.mode}-centric` : describeMethod(method),
        ...(playerCount(game) !== undefined ? { players: (game as Exclude<BatchGame, { kind: 'similarity' }>).players } : {}),
        createdAt: new Date().toISOString(),
        progress: 0,
      };
      if (where === 'companion') {
        if (!client) throw new Error('No companion is connected: pair one in the Companion tab, or run in this pane.');
        const submitted = await client.submit(companionJob(game, method));
        const record: BatchJobRecord = { ...base, id: submitted.id, where, companionUrl: client.url, state: submitted.state };
        setJobs((previous) => [record, ...previous]);
        follow(submitted.id, client);
        return submitted.id;
      }
      const request = paneRequest(game, method);
      const id = newPaneId();
      setJobs((previous) => [{ ...base, id, where, state: 'running' }, ...previous]);
      const started = Date.now();
      pane
        .run(id, request, ({ progress, detail }) => {
          const elapsed = (Date.now() - started) / 1000;
          // The companion's rule: a rate from under half a second or 1 % of the work says little.
          const eta = elapsed >= 0.5 && progress >= 0.01 ? Math.round(((elapsed * (1 - progress)) / progress) * 10) / 10 : undefined;
          update(id, (r) => ({ ...r, progress, ...(detail ? { detail } : {}), ...(eta !== undefined ? { etaSeconds: eta } : {}) }));
        })
        .then(
          (output) => {
            update(id, (r) => {
              const { etaSeconds: _eta, ...rest } = r;
              return { ...rest, state: 'done', progress: 1, result: resultFromPane(output, { label: r.label, players: r.players ?? [] }, id) };
            });
          },
          (error: unknown) => {
            update(id, (r) => {
              const { etaSeconds: _eta, ...rest } = r;
              if (error instanceof PaneJobCancelled) return { ...rest, state: 'cancelled' };
              const field = error instanceof PaneJobFailed ? error.field : undefined;
              return { ...rest, state: 'failed', error: { message: error instanceof Error ? error.message : String(error), ...(field ? { field } : {}) } };
            });
          },
        );
      return id;
    },
    [client, follow, pane, update],
  );

  const cancel = useCallback(
    async (id: string) => {
      const record = jobsRef.current.find((r) => r.id === id);
      if (!record) return;
      if (record.where === 'pane') {
        pane.cancel(id);
        return;
      }
      if (!client) throw new Error('The companion is not connected: cancel once it is back.');
      try {
        const job = await client.cancel(id);
        update(id, (r) => applyStatus(r, job));
      } catch (error) {
        // 409: it ended meanwhile; the event stream brings the final state.
        if (!(error instanceof CompanionHttpError && error.status === 409)) throw error;
      }
    },
    [client, pane, update],
  );

  const resume = useCallback(
    async (id: string) => {
      if (!client) throw new Error('The companion is not connected.');
      const job = await client.resume(id);
      // A resumed job is news again: to the top of the list, where the recent jobs are shown.
      setJobs((previous) => {
        const record = previous.find((r) => r.id === id);
        if (!record) return previous;
        const { error: _error, ...rest } = record;
        return [applyStatus(rest, job), ...previous.filter((r) => r.id !== id)];
      });
      follow(id, client);
    },
    [client, follow, update],
  );

  const remove = useCallback((id: string) => {
    followers.current.get(id)?.abort();
    setJobs((previous) => previous.filter((r) => r.id !== id));
  }, []);

  return { jobs, start, cancel, resume, remove };
}
