// Small inline icons (no icon font or emoji font needed): a folder, a file, and something else.
import { Match, Switch } from 'solid-js';

const BOX = 'inline-block w-4 h-4 align-[-2px] mr-1.5 shrink-0';

export function KindIcon(props: { kind: 'file' | 'dir' | 'other' }) {
  return (
    <svg class={BOX} viewBox="0 0 16 16" aria-hidden="true">
      <Switch>
        <Match when={props.kind === 'dir'}>
          <path
            d="M1 3.5A1.5 1.5 0 0 1 2.5 2h3.6l1.6 1.6h5.8A1.5 1.5 0 0 1 15 5.1v7.4a1.5 1.5 0 0 1-1.5 1.5h-11A1.5 1.5 0 0 1 1 12.5z"
            fill="#f59e0b"
          />
        </Match>
        <Match when={props.kind === 'file'}>
          <path d="M3 1.5h6.5L13 5v9.5H3z" fill="none" stroke="#6b7280" stroke-width="1.2" />
          <path d="M9.5 1.5V5H13" fill="none" stroke="#6b7280" stroke-width="1.2" />
        </Match>
        <Match when={props.kind === 'other'}>
          <circle cx="8" cy="8" r="5.5" fill="none" stroke="#9ca3af" stroke-width="1.2" stroke-dasharray="2 2" />
        </Match>
      </Switch>
    </svg>
  );
}
