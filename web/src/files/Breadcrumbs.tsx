// Where the listing is: all folders › root › sub › sub, each a link.
import { For, Show } from 'solid-js';
import { t } from '../i18n/index.ts';
import { go } from '../lib/route.ts';
import { crumbs } from './format.ts';

export function Breadcrumbs(props: { root?: string; path?: string }) {
  return (
    <nav class="flex flex-wrap items-center gap-1 text-sm" aria-label={t('files.breadcrumbs')} data-breadcrumbs>
      <a href="#/files" class="text-blue-700 dark:text-blue-300" data-crumb="roots">
        {t('files.allFolders')}
      </a>
      <Show when={props.root && props.path}>
        <For each={crumbs(props.root as string, props.path as string)}>
          {(c) => (
            <>
              <span aria-hidden="true">›</span>
              <button
                type="button"
                class="text-blue-700 dark:text-blue-300 bg-transparent border-0 p-0 cursor-pointer break-all text-left"
                data-crumb={c.path}
                onClick={() => go('files', { path: c.path })}
              >
                {c.name}
              </button>
            </>
          )}
        </For>
      </Show>
    </nav>
  );
}
