// A file's place in the search index: indexed (with its chunk count), waiting, no text, unsupported, failed, or none.
import { Show } from 'solid-js';
import { t } from '../i18n/index.ts';
import type { Ingest } from './api.ts';
import { plural } from './format.ts';

const COLORS: Record<string, string> = {
  indexed: 'bg-green-100 text-green-800 dark:bg-green-900 dark:text-green-200',
  pending: 'bg-yellow-100 text-yellow-800 dark:bg-yellow-900 dark:text-yellow-200',
  failed: 'bg-red-100 text-red-800 dark:bg-red-900 dark:text-red-200',
};
const GREY = 'bg-gray-100 text-gray-700 dark:bg-gray-700 dark:text-gray-200';

export function IngestBadge(props: { ingest: Ingest | null }) {
  const status = () => props.ingest?.status ?? 'none';
  return (
    <span
      class={`inline-block px-1.5 py-0.5 rounded text-xs whitespace-nowrap ${COLORS[status()] ?? GREY}`}
      data-ingest={status()}
      title={props.ingest?.error ?? undefined}
    >
      {t(`files.ingest.${status()}`)}
      <Show when={props.ingest?.status === 'indexed'}>
        {' · '}
        {plural('files.ingest.chunks', props.ingest?.chunks ?? 0)}
      </Show>
    </span>
  );
}
