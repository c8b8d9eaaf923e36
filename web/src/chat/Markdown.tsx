// A rendered Markdown message: sanitised HTML, and a copy button on every code block.
import { createEffect } from 'solid-js';
import { t } from '../i18n/index.ts';
import { cachedMarkdown, markdownToHtml } from './markdown.ts';

async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Clipboard API refused (permissions): the old way through a selected textarea.
    const area = document.createElement('textarea');
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
}

export function Markdown(props: { text: string; cacheKey?: string }) {
  let el!: HTMLDivElement;
  createEffect(() => {
    const html = props.cacheKey ? cachedMarkdown(props.cacheKey, props.text) : markdownToHtml(props.text);
    const label = t('chat.copy');
    el.innerHTML = html;
    for (const pre of el.querySelectorAll('pre')) {
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.copy = '';
      button.className = 'md-copy';
      button.textContent = label;
      button.addEventListener('click', () => copyFrom(button));
      pre.append(button);
    }
  });
  return <div ref={el} class="md" data-markdown />;
}

function copyFrom(button: HTMLButtonElement): void {
  const code = button.parentElement?.querySelector('code');
  if (code)
    void copyText(code.textContent ?? '').then(() => {
      button.textContent = t('chat.copied');
      setTimeout(() => {
        button.textContent = t('chat.copy');
      }, 1500);
    });
}
