/*
 * The Companion tab: pairing (the one-time code the companion prints, or its token), then its
 * status (version, backends with the GPU's name, queue, a cluster's workers), and when it cannot be reached, why and
 * what to type, with the offer to work offline (small jobs in the pane).
 */
import {
  Badge,
  Body1,
  Button,
  Caption1,
  Field,
  Input,
  makeStyles,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Subtitle2,
  tokens,
} from '@fluentui/react-components';
import { useEffect, useState, type FormEvent } from 'react';
import type { ClusterWorkerInfo, CompanionHealth } from './companionApi';
import { PairingError, useCompanion, type ConnectionStatus } from './companionContext';
import { CommandLine } from './CommandLine';
import { PAIR_COMMAND, START_COMMAND_INSTALLED, type Cause } from './diagnosis';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM },
  heading: { margin: 0 },
  row: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', columnGap: tokens.spacingHorizontalS, rowGap: tokens.spacingVerticalS },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content minmax(0, 1fr)',
    columnGap: tokens.spacingHorizontalM,
    rowGap: tokens.spacingVerticalXS,
    margin: 0,
  },
  term: { color: tokens.colorNeutralForeground3 },
  value: { margin: 0, overflowWrap: 'anywhere' },
  form: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalS },
  muted: { color: tokens.colorNeutralForeground3 },
  causes: { margin: 0, paddingInlineStart: tokens.spacingHorizontalL, display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXS },
  messageText: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXS },
});

export const STATUS_TEXT: Readonly<Record<ConnectionStatus, string>> = {
  checking: 'Checking…',
  unpaired: 'Not paired',
  connected: 'Connected',
  unreachable: 'Unreachable',
};

const STATUS_COLOR: Readonly<Record<ConnectionStatus, 'informative' | 'subtle' | 'success' | 'danger'>> = {
  checking: 'informative',
  unpaired: 'subtle',
  connected: 'success',
  unreachable: 'danger',
};

/** What the badge says: offline (the user's choice) wins over the status until connected again. */
export function statusText(status: ConnectionStatus, offline?: boolean): string {
  return offline && status !== 'connected' ? 'Offline' : STATUS_TEXT[status];
}

export function StatusBadge({ status, offline }: { status: ConnectionStatus; offline?: boolean }): JSX.Element {
  const text = statusText(status, offline);
  return (
    <Badge appearance="tint" color={offline && status !== 'connected' ? 'warning' : STATUS_COLOR[status]} data-testid="companion-badge">
      {text}
    </Badge>
  );
}

export function describeBackend(backend: CompanionHealth['backends'][number]): string {
  const kind = backend.name === 'webgpu' ? 'GPU' : backend.name === 'cpu' ? 'CPU' : backend.name;
  const threads = backend.threads ? `, ${backend.threads} threads` : '';
  const state = backend.available === false ? ` — unavailable${backend.unavailable ? `: ${backend.unavailable}` : ''}` : '';
  return `${kind}: ${backend.device}${threads}${state}`;
}

export interface CompanionScreenProps {
  /** "Work offline": the shell switches to the batch runner. */
  onWorkOffline?: () => void;
}

export function CompanionScreen({ onWorkOffline }: CompanionScreenProps): JSX.Element {
  const styles = useStyles();
  const companion = useCompanion();
  const [repairing, setRepairing] = useState(false);
  const showForm = !companion.paired || repairing;

  return (
    <section className={styles.root} aria-labelledby="companion-heading" data-testid="companion-screen">
      <div className={styles.row}>
        <Subtitle2 as="h2" id="companion-heading" className={styles.heading}>
          Companion
        </Subtitle2>
        <StatusBadge status={companion.status} offline={companion.offline} />
      </div>
      <Body1 as="p" className={styles.value}>
        The companion is a service on this computer that runs large Shapley batches on every core or the GPU. Everything else works without it.
      </Body1>

      {companion.paired && companion.status === 'connected' && companion.health && <ConnectedStatus health={companion.health} />}
      {companion.paired && companion.status === 'unreachable' && companion.diagnosis && (
        <Unreachable causes={companion.diagnosis.causes} offline={companion.offline} onWorkOffline={onWorkOffline} />
      )}
      {companion.status === 'checking' && (
        <div className={styles.row}>
          <Spinner size="tiny" labelPosition="after" label={`Looking for the companion at ${companion.url}…`} />
        </div>
      )}

      {showForm ? (
        <PairingForm onPaired={() => setRepairing(false)} onCancel={companion.paired ? () => setRepairing(false) : undefined} />
      ) : (
        <div className={styles.row}>
          <Button onClick={() => void companion.recheck()} data-testid="companion-recheck">
            Check now
          </Button>
          <Button appearance="subtle" onClick={() => setRepairing(true)} data-testid="companion-repair">
            Pair again
          </Button>
          <Button appearance="subtle" onClick={companion.forget} data-testid="companion-forget">
            Forget pairing
          </Button>
        </div>
      )}
      {companion.checkedAt && (
        <Caption1 className={styles.muted} data-testid="companion-checked">
          Checked at {companion.checkedAt.toLocaleTimeString()}; checked again every few seconds.
        </Caption1>
      )}
    </section>
  );
}

function ConnectedStatus({ health }: { health: CompanionHealth }): JSX.Element {
  const styles = useStyles();
  const companion = useCompanion();
  const gpu = health.backends.find((b) => b.name === 'webgpu');
  return (
    <dl className={styles.facts} data-testid="companion-status">
      <dt className={styles.term}>Address</dt>
      <dd className={styles.value}>{companion.url}</dd>
      <dt className={styles.term}>Version</dt>
      <dd className={styles.value} data-testid="companion-version">
        {health.version} (engine {health.engineVersion})
      </dd>
      <dt className={styles.term}>Backend</dt>
      <dd className={styles.value} data-testid="companion-backend">
        {health.backends.map((b) => (
          <div key={b.name}>{describeBackend(b)}</div>
        ))}
        {health.workers ? (
          <Caption1 className={styles.muted}>Coordinating a cluster: jobs run on its workers.</Caption1>
        ) : (
          !gpu && <Caption1 className={styles.muted}>No GPU in use: jobs run on the CPU threads.</Caption1>
        )}
      </dd>
      <dt className={styles.term}>Queue</dt>
      <dd className={styles.value} data-testid="companion-queue">
        {health.jobs.running} running, {health.jobs.queued} waiting
      </dd>
      {health.workers && (
        <>
          <dt className={styles.term}>Workers</dt>
          <dd className={styles.value} data-testid="companion-workers">
            {health.workers.length === 0 ? (
              <Caption1 className={styles.muted}>No worker has joined: start `partage worker --redis …` on the machines of the cluster.</Caption1>
            ) : (
              health.workers.map((w) => (
                <div key={w.name} data-testid="companion-worker">
                  {describeWorker(w, Date.now())}
                </div>
              ))
            )}
          </dd>
        </>
      )}
    </dl>
  );
}

/** Heartbeats come every 2 s: a worker silent for longer than this has probably stopped. */
const SILENT_AFTER_MS = 10_000;

/** One worker, as the pane lists it: name, backend, device, units done, last seen. */
export function describeWorker(worker: ClusterWorkerInfo, now: number): string {
  const kind = worker.backend === 'webgpu' ? 'GPU' : worker.backend === 'cpu' ? 'CPU' : worker.backend;
  const threads = worker.backend === 'cpu' ? `, ${worker.threads} threads` : '';
  const ago = Math.max(0, Math.round((now - Date.parse(worker.lastSeen)) / 1000));
  const seen = now - Date.parse(worker.lastSeen) > SILENT_AFTER_MS ? `silent for ${ago} s` : 'seen just now';
  return `${worker.name} — ${kind}: ${worker.device}${threads}; ${worker.unitsDone.toLocaleString('en-GB')} units done; ${seen}`;
}

function Unreachable({ causes, offline, onWorkOffline }: { causes: Cause[]; offline: boolean; onWorkOffline?: () => void }): JSX.Element {
  const styles = useStyles();
  const companion = useCompanion();
  const [first, ...others] = causes;
  return (
    <MessageBar intent="error" layout="multiline" data-testid="companion-unreachable">
      <MessageBarBody className={styles.messageText}>
        <MessageBarTitle data-testid="companion-problem">{first.title}</MessageBarTitle>
        <span data-testid="companion-detail">{first.detail}</span>
        {first.command && <CommandLine command={first.command} />}
        {first.problem === 'not-started' && <Caption1>Installed globally? Type {START_COMMAND_INSTALLED} instead.</Caption1>}
        {others.length > 0 && (
          <>
            <Caption1>Or:</Caption1>
            <ul className={styles.causes}>
              {others.map((cause) => (
                <li key={cause.problem}>
                  <Caption1>
                    <strong>{cause.title}.</strong> {cause.detail}
                  </Caption1>
                  {cause.command && <CommandLine command={cause.command} />}
                </li>
              ))}
            </ul>
          </>
        )}
        <Caption1 data-testid="offline-explanation">
          {offline ? 'Working offline: small jobs run in this pane until the companion is back.' : 'You can work offline meanwhile: small jobs run in this pane.'}
        </Caption1>
      </MessageBarBody>
      <MessageBarActions>
        <Button onClick={() => void companion.recheck()} data-testid="companion-retry">
          Check again
        </Button>
        {!offline && (
          <Button
            appearance="primary"
            data-testid="work-offline"
            onClick={() => {
              companion.setOffline(true);
              onWorkOffline?.();
            }}
          >
            Work offline
          </Button>
        )}
      </MessageBarActions>
    </MessageBar>
  );
}

function PairingForm({ onPaired, onCancel }: { onPaired: () => void; onCancel?: () => void }): JSX.Element {
  const styles = useStyles();
  const companion = useCompanion();
  const [url, setUrl] = useState(companion.url);
  const [input, setInput] = useState('');
  const [error, setError] = useState<{ field: 'url' | 'code'; message: string } | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  useEffect(() => setUrl(companion.url), [companion.url]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await companion.pair(url, input);
      setInput('');
      onPaired();
    } catch (e) {
      setError(e instanceof PairingError ? { field: e.field, message: e.message } : { field: 'code', message: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };

  const found = !companion.paired && companion.health !== undefined && companion.status === 'unpaired';
  // The form's own message about the address says the same: one is enough.
  const missing = !companion.paired && companion.status === 'unpaired' && companion.health === undefined && companion.diagnosis !== undefined && error?.field !== 'url';
  return (
    <form className={styles.form} onSubmit={(e) => void submit(e)} aria-labelledby="pair-heading" data-testid="pairing-form" noValidate>
      <Subtitle2 as="h3" id="pair-heading" className={styles.heading}>
        {companion.paired ? 'Pair again' : 'Pair with the companion'}
      </Subtitle2>
      {found && (
        <MessageBar intent="success" data-testid="companion-found">
          <MessageBarBody>
            A companion (version {companion.health!.version}) answers at {companion.url}: type the code it printed.
          </MessageBarBody>
        </MessageBar>
      )}
      {missing && (
        <MessageBar intent="warning" layout="multiline" data-testid="companion-missing">
          <MessageBarBody className={styles.messageText}>
            <MessageBarTitle>{companion.diagnosis!.causes[0].title}</MessageBarTitle>
            <span>{companion.diagnosis!.causes[0].detail}</span>
            {companion.diagnosis!.causes[0].command && <CommandLine command={companion.diagnosis!.causes[0].command} />}
          </MessageBarBody>
        </MessageBar>
      )}
      <Field
        label="Companion address"
        hint="Printed by the companion when it starts."
        validationMessage={error?.field === 'url' ? error.message : undefined}
        validationState={error?.field === 'url' ? 'error' : 'none'}
      >
        <Input value={url} onChange={(_, d) => setUrl(d.value)} onBlur={() => companion.setUrl(url)} data-testid="pair-url" spellCheck={false} />
      </Field>
      <Field
        label="Pairing code or token"
        hint="The 8-character code the companion printed (valid 10 minutes, one use), or the token from the file it names."
        validationMessage={error?.field === 'code' ? error.message : undefined}
        validationState={error?.field === 'code' ? 'error' : 'none'}
      >
        <Input value={input} onChange={(_, d) => setInput(d.value)} placeholder="K7MQ-2XWD" data-testid="pair-code" spellCheck={false} autoComplete="off" />
      </Field>
      <div className={styles.row}>
        <Button appearance="primary" type="submit" disabled={busy} icon={busy ? <Spinner size="tiny" /> : undefined} data-testid="pair-submit">
          Pair
        </Button>
        {onCancel && (
          <Button appearance="subtle" onClick={onCancel}>
            Cancel
          </Button>
        )}
      </div>
      <Caption1 className={styles.muted}>Code expired or used? The companion prints a new one with:</Caption1>
      <CommandLine command={PAIR_COMMAND} />
    </form>
  );
}
