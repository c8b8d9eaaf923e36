// The daemon's message (or a general one) for what just failed, announced to screen readers; nothing when empty.
import { Show } from 'solid-js';

export function ErrorText(props: { text: string; small?: boolean }) {
  return (
    <Show when={props.text}>
      <p class="m-0 text-red-600" classList={{ 'text-sm': props.small }} role="alert">
        {props.text}
      </p>
    </Show>
  );
}
