// One log or audit line: time, level, message and the event name on one row; the whole JSON when opened.
import type { LogLine } from './tail.ts';

export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

export function levelName(level: number): string {
  return LEVELS[Math.min(5, Math.max(0, Math.floor(level / 10) - 1))] ?? 'info';
}

const COLORS: Record<string, string> = {
  trace: 'bg-gray-200 text-gray-700 dark:bg-gray-700 dark:text-gray-200',
  debug: 'bg-gray-200 text-gray-700 dark:bg-gray-700 dark:text-gray-200',
  info: 'bg-blue-100 text-blue-800 dark:bg-blue-900 dark:text-blue-100',
  warn: 'bg-amber-100 text-amber-800 dark:bg-amber-900 dark:text-amber-100',
  error: 'bg-red-100 text-red-800 dark:bg-red-900 dark:text-red-100',
  fatal: 'bg-red-600 text-white',
};

const HIDDEN = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'event']);

/** The fields besides time, level, message and event, as short `key=value` text. */
function details(line: LogLine): string {
  return Object.entries(line)
    .filter(([k]) => !HIDDEN.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ')
    .slice(0, 300);
}

export function LogEntry(props: { line: LogLine }) {
  const level = levelName(props.line.level);
  const time = new Date(props.line.time);
  return (
    <li data-log-line data-level={level} class="border-b border-gray-100 dark:border-gray-800">
      <details>
        <summary class="cursor-pointer flex flex-wrap gap-x-2 items-baseline py-0.5 font-mono text-xs">
          <time class="text-gray-500" datetime={time.toISOString()} title={time.toLocaleString()}>
            {time.toLocaleTimeString()}
          </time>
          <span class={`px-1 rounded ${COLORS[level] ?? ''}`}>{level}</span>
          {typeof props.line.event === 'string' ? <b data-event={props.line.event}>{props.line.event}</b> : null}
          <span class="text-sm font-sans">{props.line.msg ?? ''}</span>
          <span class="text-gray-500 truncate max-w-full">{details(props.line)}</span>
        </summary>
        <pre class="text-xs overflow-auto m-0 p-2 bg-gray-100 dark:bg-gray-900">
          {JSON.stringify(props.line, null, 2)}
        </pre>
      </details>
    </li>
  );
}
