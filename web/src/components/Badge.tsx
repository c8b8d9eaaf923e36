// A small coloured status label (a run's, a job's, a plugin's): the tone says good, busy, bad or idle at a glance.
export type Tone = 'good' | 'busy' | 'bad' | 'warn' | 'idle';

const TONES: Record<Tone, string> = {
  good: 'bg-green-100 text-green-800 dark:bg-green-900 dark:text-green-200',
  busy: 'bg-blue-100 text-blue-800 dark:bg-blue-900 dark:text-blue-200',
  bad: 'bg-red-100 text-red-800 dark:bg-red-900 dark:text-red-200',
  warn: 'bg-amber-100 text-amber-800 dark:bg-amber-900 dark:text-amber-200',
  idle: 'bg-gray-100 text-gray-700 dark:bg-gray-700 dark:text-gray-200',
};

export function Badge(props: { tone: Tone; label: string; status?: string }) {
  return (
    <span
      class={`inline-block rounded px-1.5 py-0.5 text-xs whitespace-nowrap ${TONES[props.tone]}`}
      data-status={props.status}
    >
      {props.label}
    </span>
  );
}
