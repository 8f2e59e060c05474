/*
 * The jobs of the batch runner, newest first: what each computes, where, its state, a progress
 * bar with the time left, and its actions (cancel, resume, show results, remove).
 */
import { Badge, Body1Strong, Button, Caption1, makeStyles, MessageBar, MessageBarBody, ProgressBar, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import { isEnded } from '../companion/companionApi';
import { formatEta, STATE_TEXT } from './format';
import type { BatchJobRecord } from './jobStore';

const useStyles = makeStyles({
  list: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalS },
  card: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalXS,
    padding: tokens.spacingHorizontalS,
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  selected: { border: `${tokens.strokeWidthThick} solid ${tokens.colorBrandStroke1}` },
  title: { overflowWrap: 'anywhere' },
  row: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', columnGap: tokens.spacingHorizontalS, rowGap: tokens.spacingVerticalXXS },
  muted: { color: tokens.colorNeutralForeground3, overflowWrap: 'anywhere' },
});

const STATE_COLOR = {
  queued: 'informative',
  running: 'brand',
  done: 'success',
  failed: 'danger',
  cancelled: 'subtle',
  interrupted: 'warning',
} as const;

export interface JobListProps {
  jobs: BatchJobRecord[];
  selected?: string;
  onCancel(id: string): void;
  onResume(id: string): void;
  onShow(id: string): void;
  onRemove(id: string): void;
  /** Whether the companion the job went to is connected (cancel and resume need it). */
  companionReachable(job: BatchJobRecord): boolean;
}

/** Jobs listed before "Show all": the recent ones, so that results stay near the form. */
export const SHORT_LIST = 5;

export function JobList({ jobs, selected, onCancel, onResume, onShow, onRemove, companionReachable }: JobListProps): JSX.Element {
  const styles = useStyles();
  const [all, setAll] = useState(false);
  if (jobs.length === 0) return <Caption1 className={styles.muted}>No jobs yet.</Caption1>;
  // Unfinished, interrupted (waiting for Resume) and selected jobs are always listed.
  const shown = all ? jobs : jobs.filter((job, k) => k < SHORT_LIST || !isEnded(job.state) || job.state === 'interrupted' || job.id === selected);
  return (
    <>
      <ul className={styles.list} aria-label="Jobs" data-testid="job-list">
        {shown.map((job) => {
          const live = !isEnded(job.state);
          const percent = Math.floor(job.progress * 100);
          const eta = live ? formatEta(job.etaSeconds) : undefined;
          const reachable = job.where === 'pane' || companionReachable(job);
          return (
            <li key={job.id} className={job.id === selected ? `${styles.card} ${styles.selected}` : styles.card} data-testid="job" data-job-id={job.id} data-state={job.state}>
              <div className={styles.row}>
                <Badge appearance="tint" color={STATE_COLOR[job.state]} data-testid="job-state">
                  {STATE_TEXT[job.state]}
                </Badge>
                <Caption1 className={styles.muted}>{job.where === 'pane' ? 'in this pane' : 'on the companion'}</Caption1>
              </div>
              <Body1Strong className={styles.title}>{job.label}</Body1Strong>
              <Caption1 className={styles.muted}>{job.methodText}</Caption1>
              {live && (
                <>
                  <ProgressBar value={job.state === 'queued' ? undefined : job.progress} thickness="large" aria-label={`Progress of ${job.label}`} data-testid="job-progress" />
                  <Caption1 data-testid="job-progress-text" aria-live="polite">
                    {job.state === 'queued' ? 'Waiting for a free slot…' : `${percent} %${job.detail ? ` · ${job.detail}` : ''}${eta ? ` · ${eta}` : ''}`}
                  </Caption1>
                </>
              )}
              {job.state === 'interrupted' && job.where === 'companion' && !job.error && (
              <Caption1 data-testid="job-interrupted">The companion stopped while this job ran; it kept a checkpoint, and Resume goes on from there.</Caption1>
            )}
            {job.error && (
                <MessageBar intent={job.state === 'interrupted' ? 'warning' : 'error'} data-testid="job-error">
                  <MessageBarBody>{job.error.field && !job.error.message.startsWith(job.error.field) ? `${job.error.field}: ${job.error.message}` : job.error.message}</MessageBarBody>
                </MessageBar>
              )}
              <div className={styles.row}>
                {live && (
                  <Button size="small" onClick={() => onCancel(job.id)} disabled={!reachable} data-testid="job-cancel" aria-label={`Cancel ${job.label}`}>
                    Cancel
                  </Button>
                )}
                {job.state === 'interrupted' && job.where === 'companion' && (
                  <Button size="small" appearance="primary" onClick={() => onResume(job.id)} disabled={!reachable} data-testid="job-resume">
                    Resume
                  </Button>
                )}
                {job.state === 'done' && (
                  <Button size="small" appearance={job.id === selected ? 'primary' : 'secondary'} onClick={() => onShow(job.id)} data-testid="job-show" aria-pressed={job.id === selected}>
                    Results
                  </Button>
                )}
                {!live && (
                  <Button size="small" appearance="subtle" onClick={() => onRemove(job.id)} data-testid="job-remove" aria-label={`Remove ${job.label} from the list`}>
                    Remove
                  </Button>
                )}
                {!reachable && live && <Caption1 className={styles.muted}>Companion unreachable: the job goes on there.</Caption1>}
              </div>
            </li>
          );
        })}
      </ul>
      {jobs.length > shown.length || all ? (
        <Button appearance="subtle" size="small" onClick={() => setAll(!all)} data-testid="jobs-show-all">
          {all ? 'Show recent jobs only' : `Show all ${jobs.length} jobs`}
        </Button>
      ) : null}
    </>
  );
}
