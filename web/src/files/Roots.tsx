// The folder list (the allowed roots, each marked when missing) and a listing that could not be read.
import { For, Show } from 'solid-js';
import { t } from '../i18n/index.ts';
import { go } from '../lib/route.ts';
import { errorText, type Root } from './api.ts';
import { KindIcon } from './icons.tsx';

export function ListingError(props: { err: unknown }) {
  return (
    <div class="flex flex-col gap-2 items-start">
      <p class="m-0 text-red-600" role="alert">
        {errorText(props.err, t('common.error'))}
      </p>
      <a href="#/files" class="btn no-underline">
        {t('files.allFolders')}
      </a>
    </div>
  );
}

export function RootList(props: { roots: Root[]; loading: boolean }) {
  return (
    <Show when={!props.loading} fallback={<p>{t('common.loading')}</p>}>
      <p class="m-0 text-sm text-gray-500">{t('files.rootsIntro')}</p>
      <ul class="list-none m-0 p-0 grid gap-2 sm:grid-cols-2" data-roots>
        <For each={props.roots}>
          {(r) => (
            <li>
              <button
                type="button"
                class="card w-full text-left cursor-pointer hover:border-blue-400 disabled:cursor-default disabled:opacity-60"
                data-root={r.path}
                disabled={!r.exists || !!r.problem}
                onClick={() => go('files', { path: r.path })}
              >
                <KindIcon kind="dir" />
                <code class="break-all">{r.path}</code>
                <Show when={!r.exists || r.problem}>
                  <span class="block text-xs text-red-600">{r.problem ?? t('files.missing')}</span>
                </Show>
              </button>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}
