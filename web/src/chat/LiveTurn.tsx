// The turn in progress, below the stored messages: the user's text until it is saved, then the answer as it streams
// (Markdown re-rendered once per frame), tool calls with their approvals, and the turn's error if it failed.
import { createSignal, For, Match, onCleanup, Show, Switch } from 'solid-js';
import { t } from '../i18n/index.ts';
import { Markdown } from './Markdown.tsx';
import { ToolCard } from './ToolCard.tsx';
import type { Turn } from './turn.ts';

/** The text, but changing at most once per animation frame: re-parsing Markdown per token would be wasteful. */
function framed(source: () => string) {
  const [value, setValue] = createSignal(source());
  let queued = 0;
  const read = () => {
    const next = source();
    if (!queued && next !== value()) {
      queued = requestAnimationFrame(() => {
        queued = 0;
        setValue(source());
      });
    }
    return value();
  };
  onCleanup(() => cancelAnimationFrame(queued));
  return read;
}

function StreamingText(props: { text: string }) {
  const text = framed(() => props.text);
  return <Markdown text={text()} />;
}

export function LiveTurn(props: { turn: Turn }) {
  const s = props.turn.state;
  return (
    <div class="px-4" data-live-turn>
      <Show when={s.pendingText}>
        {(text) => (
          <div class="flex justify-end py-2">
            <div class="max-w-[80%] rounded-lg bg-blue-600 text-white px-3 py-2 whitespace-pre-wrap opacity-70">
              {text()}
            </div>
          </div>
        )}
      </Show>
      <Show when={s.active || s.error}>
        <div class="py-2" data-streaming={s.active ? '' : undefined}>
          <For each={s.steps}>
            {(step) => (
              <Switch>
                <Match when={step.kind === 'text' && step}>{(st) => <StreamingText text={st().text} />}</Match>
                <Match when={step.kind === 'tool' && step}>
                  {(st) => <ToolCard step={st()} onDecide={(id, d) => props.turn.decide(id, d)} />}
                </Match>
              </Switch>
            )}
          </For>
          <Show when={s.active && s.steps.length === 0}>
            <p class="text-gray-500 animate-pulse" data-thinking>
              {t('chat.thinking')}
            </p>
          </Show>
          <Show when={s.error}>
            {(err) => (
              <p role="alert" class="text-red-600" data-turn-error>
                {err().message}
              </p>
            )}
          </Show>
        </div>
      </Show>
    </div>
  );
}
