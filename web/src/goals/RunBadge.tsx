// A goal run's status as a coloured label.
import { Badge, type Tone } from '../components/Badge.tsx';
import { t } from '../i18n/index.ts';
import type { RunStatus } from './api.ts';

const TONE: Record<RunStatus, Tone> = {
  queued: 'idle',
  running: 'busy',
  done: 'good',
  failed: 'bad',
  cancelled: 'warn',
  budget_exhausted: 'warn',
};

export const RunBadge = (props: { status: RunStatus }) => (
  <Badge tone={TONE[props.status]} label={t(`goals.status.${props.status}`)} status={props.status} />
);
