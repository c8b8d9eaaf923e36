// A job run's status as a coloured label.
import { Badge, type Tone } from '../components/Badge.tsx';
import { t } from '../i18n/index.ts';

const TONE: Record<string, Tone> = {
  queued: 'idle',
  running: 'busy',
  ok: 'good',
  failed: 'bad',
  skipped: 'warn',
  cancelled: 'warn',
};

export const JobRunBadge = (props: { status: string }) => (
  <Badge tone={TONE[props.status] ?? 'idle'} label={t(`scheduler.status.${props.status}`)} status={props.status} />
);
