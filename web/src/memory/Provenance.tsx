// Where a memory came from (conversation, message, file and page, who wrote it) and why a search ranked it.
import { For, Show } from 'solid-js';
import { parentOf } from '../files/format.ts';
import { t } from '../i18n/index.ts';
import { go } from '../lib/route.ts';
import type { ScoreParts, Source } from './api.ts';

/** The Chat screen's route to a conversation (`c`), scrolled to the message (`m`) when there is one. */
const chatLink = (s: Source) =>
  `#/chat?${new URLSearchParams({ c: s.conversation_id ?? '', ...(s.message_id ? { m: s.message_id } : {}) })}`;

function SourceLine(props: { source: Source }) {
  const s = () => props.source;
  return (
    <li class="flex flex-wrap gap-x-3 gap-y-0.5" data-source>
      <Show when={s().origin}>
        <span>{t('memory.source.origin', { origin: s().origin ?? '' })}</span>
      </Show>
      <Show when={s().conversation_id}>
        <a href={chatLink(s())} data-source-chat>
          {t('memory.source.conversation')}
        </a>
      </Show>
      <Show when={s().message_id}>
        <span class="text-gray-500">{t('memory.source.message', { id: s().message_id ?? '' })}</span>
      </Show>
      <Show when={s().path}>
        <button
          type="button"
          class="text-blue-700 dark:text-blue-300 bg-transparent border-0 p-0 cursor-pointer break-all text-left"
          data-source-path
          onClick={() => go('files', { path: parentOf(s().path ?? '') })}
        >
          {s().path}
        </button>
        <Show when={s().page !== undefined}>
          <span>{t('memory.source.page', { n: s().page ?? 0 })}</span>
        </Show>
      </Show>
    </li>
  );
}

export function Provenance(props: { source: Source; sources: Source[]; parts?: ScoreParts }) {
  const more = () => props.sources.filter((s) => JSON.stringify(s) !== JSON.stringify(props.source));
  return (
    <section class="flex flex-col gap-1 text-sm" data-provenance>
      <h3 class="text-sm m-0 font-semibold">{t('memory.provenance')}</h3>
      <ul class="list-none m-0 p-0 flex flex-col gap-1">
        <SourceLine source={props.source} />
        <For each={more()}>{(s) => <SourceLine source={s} />}</For>
      </ul>
      <Show when={props.parts}>
        {(p) => (
          <dl class="grid grid-cols-[auto_1fr] gap-x-3 m-0 text-xs text-gray-600 dark:text-gray-300" data-parts>
            <dt>{t('memory.parts.vector')}</dt>
            <dd class="m-0">
              {p().vector
                ? t('memory.parts.rank', { rank: p().vector?.rank ?? 0, v: fixed(p().vector?.similarity) })
                : '—'}
            </dd>
            <dt>{t('memory.parts.text')}</dt>
            <dd class="m-0">
              {p().text ? t('memory.parts.rank', { rank: p().text?.rank ?? 0, v: fixed(p().text?.score) }) : '—'}
            </dd>
            <dt>{t('memory.parts.graph')}</dt>
            <dd class="m-0">{p().graph ? t('memory.parts.rankOnly', { rank: p().graph?.rank ?? 0 }) : '—'}</dd>
            <dt>{t('memory.parts.importance')}</dt>
            <dd class="m-0">{fixed(p().importance)}</dd>
            <dt>{t('memory.parts.recency')}</dt>
            <dd class="m-0">{fixed(p().recency)}</dd>
            <dt>{t('memory.parts.final')}</dt>
            <dd class="m-0">{fixed(p().final)}</dd>
          </dl>
        )}
      </Show>
    </section>
  );
}

const fixed = (n: number | undefined) => (n === undefined ? '—' : n.toFixed(3));
