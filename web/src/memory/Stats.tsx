// Memory at a glance: counts (active, superseded, pinned, expired, by kind), the embedder, re-embedding, the graph;
// collect garbage now, and download a backup.
import { createResource, createSignal, For, Show } from 'solid-js';
import { errorText } from '../files/api.ts';
import { t } from '../i18n/index.ts';
import { memoryApi } from './api.ts';

function Row(props: { label: string; value: string | number; name?: string }) {
  return (
    <>
      <dt class="text-gray-500">{props.label}</dt>
      <dd class="m-0" data-stat={props.name}>
        {props.value}
      </dd>
    </>
  );
}

export function Stats() {
  const [stats, { refetch }] = createResource(memoryApi.stats);
  const [message, setMessage] = createSignal('');
  const collect = async () => {
    try {
      const r = await memoryApi.gc();
      setMessage(
        t('memory.stats.gcDone', { expired: r.expired ?? 0, over: r.overCap ?? 0, orphans: r.graphOrphans ?? 0 }),
      );
      await refetch();
    } catch (err) {
      setMessage(errorText(err, t('common.error')));
    }
  };
  const backup = () => memoryApi.exportAll().catch((err) => setMessage(errorText(err, t('common.error'))));

  return (
    <section class="flex flex-col gap-3" data-stats>
      <Show
        when={stats()}
        fallback={<p>{stats.error ? errorText(stats.error, t('common.error')) : t('common.loading')}</p>}
      >
        {(s) => (
          <div class="grid gap-3 md:grid-cols-2">
            <div class="card">
              <h3 class="text-sm m-0 mb-2 font-semibold">{t('memory.stats.memories')}</h3>
              <dl class="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 m-0 text-sm">
                <Row label={t('memory.stats.active')} value={s().active} name="active" />
                <Row label={t('memory.stats.superseded')} value={s().superseded} name="superseded" />
                <Row label={t('memory.stats.pinned')} value={s().pinned} name="pinned" />
                <Row label={t('memory.stats.expired')} value={s().expired} name="expired" />
                <Row
                  label={t('memory.stats.total')}
                  value={t('memory.stats.ofCap', { n: s().total, cap: s().cap })}
                  name="total"
                />
                <For each={Object.entries(s().by_kind)}>
                  {([kind, n]) => <Row label={t(`memory.kind.${kind}`)} value={n} name={`kind-${kind}`} />}
                </For>
              </dl>
            </div>
            <div class="card">
              <h3 class="text-sm m-0 mb-2 font-semibold">{t('memory.stats.engines')}</h3>
              <dl class="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 m-0 text-sm">
                <Row
                  label={t('memory.stats.embedder')}
                  value={t('memory.stats.dims', { model: s().embedder.model, n: s().embedder.dimensions })}
                />
                <Show when={s().reembed}>
                  {(r) => (
                    <Row
                      label={t('memory.stats.reembed')}
                      value={
                        r().running
                          ? t('memory.stats.reembedRunning', { done: r().done, total: r().total })
                          : r().error
                            ? t('memory.stats.reembedFailed', { error: r().error ?? '' })
                            : t('memory.stats.reembedDone', { model: r().model })
                      }
                    />
                  )}
                </Show>
                <Show
                  when={s().graph}
                  fallback={<Row label={t('memory.stats.graph')} value={t('memory.stats.noGraph')} />}
                >
                  {(g) => (
                    <>
                      <Row label={t('memory.stats.graph')} value={g().engine} />
                      <Row label={t('memory.stats.entities')} value={g().entities} name="entities" />
                      <Row label={t('memory.stats.relations')} value={g().relations} name="relations" />
                      <Row label={t('memory.stats.files')} value={g().files} />
                    </>
                  )}
                </Show>
              </dl>
            </div>
          </div>
        )}
      </Show>
      <div class="flex flex-wrap gap-2">
        <button type="button" class="btn" data-gc onClick={collect}>
          {t('memory.stats.gc')}
        </button>
        <button type="button" class="btn" data-export onClick={backup}>
          {t('memory.stats.export')}
        </button>
        <button type="button" class="btn" onClick={() => void refetch()}>
          {t('memory.stats.refresh')}
        </button>
      </div>
      <Show when={message()}>
        <p class="m-0 text-sm" role="status" data-stats-message>
          {message()}
        </p>
      </Show>
    </section>
  );
}
