// The Files screen: browse the allowed folders, upload with progress, download, delete to the trash and restore,
// each file's index status, and re-indexing (one file, the open folder, or a rescan of everything).
import { createEffect, createResource, createSignal, onCleanup, Show } from 'solid-js';
import { download, type Entry, errorText, filesApi, type Job, waitForJob } from '../files/api.ts';
import { Breadcrumbs } from '../files/Breadcrumbs.tsx';
import { Entries } from '../files/Entries.tsx';
import { parentOf } from '../files/format.ts';
import { ListingError, RootList } from '../files/Roots.tsx';
import { Trash } from '../files/Trash.tsx';
import { UploadButton, UploadList, useUploads } from '../files/Uploads.tsx';
import { t } from '../i18n/index.ts';
import { go, route } from '../lib/route.ts';

export default function FilesScreen() {
  const path = () => route().params.get('path') ?? '';
  const [roots, { refetch: refetchRoots }] = createResource(() => !path(), filesApi.roots);
  const [listing, { refetch }] = createResource(() => path() || false, filesApi.list);
  /** The listing, or nothing while it failed (an errored resource throws when read). */
  const current = () => (listing.error ? undefined : listing());
  const [error, setError] = createSignal('');
  const [notice, setNotice] = createSignal<{ text: string; undo?: () => void } | null>(null);
  const [busy, setBusy] = createSignal(new Set<string>());
  const [job, setJob] = createSignal<Job | null>(null);
  const [showTrash, setShowTrash] = createSignal(false);
  const [trashKey, setTrashKey] = createSignal(0);

  const fail = (err: unknown) => setError(errorText(err, t('common.error')));
  const mark = (p: string, on: boolean) =>
    setBusy((s) => {
      const next = new Set(s);
      if (on) next.add(p);
      else next.delete(p);
      return next;
    });
  // After an upload the watcher picks the file up within seconds: keep looking a while for its index status.
  const [settling, setSettling] = createSignal(false);
  let settleTimer: ReturnType<typeof setTimeout> | undefined;
  const uploads = useUploads(() => {
    void refetch();
    setSettling(true);
    clearTimeout(settleTimer);
    settleTimer = setTimeout(() => setSettling(false), 15_000);
  });
  onCleanup(() => clearTimeout(settleTimer));

  // While anything is waiting to be indexed, look again every so often.
  createEffect(() => {
    const pending = current()?.entries.some((e) => e.ingest?.status === 'pending');
    const waiting = pending || settling() || job()?.state === 'running';
    if (!waiting) return;
    const timer = setInterval(() => void refetch(), 1500);
    onCleanup(() => clearInterval(timer));
  });

  const runJob = async (start: () => Promise<Job>) => {
    setError('');
    try {
      await waitForJob(await start(), setJob);
    } catch (err) {
      fail(err);
    }
    void refetch();
  };

  const actions = {
    open: (e: Entry) => go('files', { path: e.path }),
    download: (e: Entry) => download(e).catch(fail),
    async remove(e: Entry) {
      setError('');
      mark(e.path, true);
      try {
        const item = await filesApi.remove(e.path);
        setNotice({
          text: t('files.deleted', { name: e.name }),
          undo: async () => {
            setNotice(null);
            await filesApi.restore(item.id).catch(fail);
            void refetch();
            setTrashKey((k) => k + 1);
          },
        });
        setTrashKey((k) => k + 1);
      } catch (err) {
        fail(err);
      } finally {
        mark(e.path, false);
        void refetch();
      }
    },
    async reindex(e: Entry) {
      mark(e.path, true);
      await runJob(() => filesApi.ingest([e.path]));
      mark(e.path, false);
    },
  };

  const folderFiles = () => (current()?.entries ?? []).filter((e) => e.kind === 'file').map((e) => e.path);

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: files dropped anywhere upload; the Upload button is the keyboard way
    <section
      data-screen="files"
      class="p-4 flex flex-col gap-3 max-w-5xl"
      onDragOver={(e) => path() && e.preventDefault()}
      onDrop={(e) => {
        if (!path() || !e.dataTransfer?.files.length) return;
        e.preventDefault();
        void uploads.send(path(), e.dataTransfer.files);
      }}
    >
      <div class="flex flex-wrap items-center gap-2">
        <h1 class="text-xl m-0 flex-1">{t('files.title')}</h1>
        <Show when={path()}>
          <UploadButton onFiles={(files) => void uploads.send(path(), files)} />
          <button
            type="button"
            class="btn"
            data-reindex-folder
            disabled={folderFiles().length === 0 || job()?.state === 'running'}
            onClick={() => runJob(() => filesApi.ingest(folderFiles().slice(0, 1000)))}
          >
            {t('files.reindexFolder')}
          </button>
        </Show>
        <button
          type="button"
          class="btn"
          data-rescan
          disabled={job()?.state === 'running'}
          onClick={() => runJob(filesApi.rescan)}
        >
          {t('files.rescan')}
        </button>
        <button
          type="button"
          class="btn"
          data-trash-toggle
          aria-pressed={showTrash()}
          onClick={() => setShowTrash(!showTrash())}
        >
          {t('files.trash.title')}
        </button>
      </div>

      <Breadcrumbs root={current()?.root} path={current()?.path} />

      <Show when={error()}>
        <p class="m-0 text-red-600" role="alert" data-error>
          {error()}
        </p>
      </Show>
      <Show when={notice()}>
        {(n) => (
          <div class="card flex items-center gap-2 text-sm" role="status" data-notice>
            <span class="flex-1">{n().text}</span>
            <Show when={n().undo}>
              <button type="button" class="btn text-xs" data-undo onClick={() => n().undo?.()}>
                {t('files.undo')}
              </button>
            </Show>
            <button type="button" class="btn text-xs" onClick={() => setNotice(null)}>
              {t('common.close')}
            </button>
          </div>
        )}
      </Show>
      <Show when={job()}>
        {(j) => (
          <p class="m-0 text-sm" data-job={j().state}>
            {j().state === 'running'
              ? t('files.job.running', { done: j().done, total: j().total })
              : j().state === 'done'
                ? t('files.job.done', { n: j().total })
                : t('files.job.failed', { error: j().error ?? '' })}
          </p>
        )}
      </Show>
      <UploadList items={uploads.items()} onClear={uploads.clear} />

      <Show when={showTrash()}>
        <Show when={trashKey() + 1} keyed>
          <Trash
            onError={fail}
            onRestored={(p) => {
              setNotice({ text: t('files.restored', { path: p }) });
              void refetch();
              void refetchRoots();
            }}
          />
        </Show>
      </Show>

      <Show when={path()} fallback={<RootList roots={roots() ?? []} loading={roots.loading} />}>
        <Show when={!listing.error} fallback={<ListingError err={listing.error} />}>
          <Show when={current()} fallback={<p>{t('common.loading')}</p>}>
            {(l) => (
              <>
                <Show when={l().path !== l().root}>
                  <button
                    type="button"
                    class="btn self-start text-sm"
                    data-up
                    onClick={() => go('files', { path: parentOf(l().path) })}
                  >
                    {t('files.up')}
                  </button>
                </Show>
                <Entries entries={l().entries} busy={busy()} actions={actions} />
              </>
            )}
          </Show>
        </Show>
      </Show>
    </section>
  );
}
