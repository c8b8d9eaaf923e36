// One tool call shown inline: what the model asked to run, its approval (buttons while it waits), and its result.
import { createSignal, Match, Show, Switch } from 'solid-js';
import { t } from '../i18n/index.ts';
import type { ToolStep } from './turn.ts';

/** The arguments as indented JSON when they parse, the raw text otherwise; long ones cut. */
export function prettyJson(raw: unknown, max = 2000): string {
  let text: string;
  try {
    text = JSON.stringify(typeof raw === 'string' ? JSON.parse(raw) : raw, null, 2) ?? '';
  } catch {
    text = String(raw);
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function ToolCard(props: { step: ToolStep; onDecide?: (id: string, d: 'approved' | 'denied') => void }) {
  const [sent, setSent] = createSignal(false);
  const waiting = () => !!props.step.approvalId && !props.step.decision && !props.step.result;
  const decide = (d: 'approved' | 'denied') => {
    setSent(true);
    props.onDecide?.(props.step.approvalId as string, d);
  };
  return (
    <div
      class="my-2 rounded border border-amber-300 dark:border-amber-700 bg-amber-50 dark:bg-amber-950 p-2 text-sm"
      data-tool-call={props.step.call.name}
      data-state={props.step.result ? 'done' : waiting() ? 'waiting' : 'running'}
    >
      <div class="flex items-center gap-2">
        <span aria-hidden="true">⚙</span>
        <code class="font-semibold">{props.step.call.name}</code>
        <span class="text-gray-500">
          <Switch fallback={t('chat.tool.running')}>
            <Match when={props.step.result?.ok === true}>{t('chat.tool.ok')}</Match>
            <Match when={props.step.result?.ok === false}>{t('chat.tool.failed')}</Match>
            <Match when={props.step.decision === 'denied'}>{t('chat.tool.denied')}</Match>
            <Match when={waiting()}>{t('chat.tool.waiting')}</Match>
          </Switch>
        </span>
      </div>
      <pre class="mt-1 overflow-x-auto text-xs whitespace-pre-wrap break-all">
        {prettyJson(props.step.call.arguments)}
      </pre>
      <Show when={waiting()}>
        <div class="flex gap-2 mt-1">
          <button type="button" class="btn-primary" data-approve disabled={sent()} onClick={() => decide('approved')}>
            {t('chat.tool.approve')}
          </button>
          <button type="button" class="btn" data-deny disabled={sent()} onClick={() => decide('denied')}>
            {t('chat.tool.deny')}
          </button>
        </div>
      </Show>
      <Show when={props.step.result}>
        {(r) => (
          <details class="mt-1">
            <summary class="cursor-pointer text-gray-500">{t('chat.tool.result')}</summary>
            <pre class="text-xs overflow-x-auto whitespace-pre-wrap break-all" data-tool-result>
              {prettyJson(r().result)}
            </pre>
          </details>
        )}
      </Show>
    </div>
  );
}
