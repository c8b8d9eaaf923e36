// The graph view: entities, memories and files around a name or a memory id; tap a node to see it, expand its
// neighbourhood into the view, centre on it, or open the memory; find a node by name in a big view.
import { createEffect, createSignal, on, onCleanup, onMount, Show } from 'solid-js';
import { errorText } from '../files/api.ts';
import { t } from '../i18n/index.ts';
import { GRAPH_LIMIT, type GraphNode, memoryApi, ULID } from './api.ts';
import type { GraphView } from './graphView.ts';

export function Graph(props: { around: string; onAround: (around: string) => void; onOpen: (id: string) => void }) {
  let container: HTMLDivElement | undefined;
  const [view, setView] = createSignal<GraphView | null>(null);
  const [input, setInput] = createSignal(props.around);
  const [depth, setDepth] = createSignal(2);
  const [counts, setCounts] = createSignal({ nodes: 0, edges: 0 });
  const [selected, setSelected] = createSignal<GraphNode | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [message, setMessage] = createSignal('');
  const [findText, setFindText] = createSignal('');

  onMount(async () => {
    try {
      const { createGraphView } = await import('./graphView.ts');
      if (container) setView(await createGraphView(container, setSelected));
    } catch (err) {
      setMessage(errorText(err, t('common.error')));
    }
  });
  onCleanup(() => view()?.destroy());

  const load = async (around: string, merge: boolean, hops = depth()) => {
    const v = view();
    if (!v || !around.trim()) return;
    setBusy(true);
    setMessage('');
    try {
      const graph = await memoryApi.subgraph(around.trim(), hops, GRAPH_LIMIT);
      if (graph.nodes.length === 0) setMessage(t('memory.graph.nothing', { around }));
      if (graph.nodes.length >= GRAPH_LIMIT) setMessage(t('memory.graph.capped', { n: GRAPH_LIMIT }));
      if (graph.nodes.length > 0 || !merge) {
        const root = ULID.test(around.trim()) ? `memory:${around.trim()}` : undefined;
        // Let the "loading" state paint before the canvas work starts.
        await new Promise((r) => requestAnimationFrame(r));
        setCounts(v.show(graph, { merge, root }));
      }
      if (!merge) setSelected(null);
    } catch (err) {
      setMessage(errorText(err, t('common.error')));
    } finally {
      setBusy(false);
    }
  };

  createEffect(
    on([view, () => props.around], ([v, around]) => {
      setInput(around);
      if (v && around) void load(around, false);
    }),
  );

  const aroundOf = (n: GraphNode) => (n.label === 'Memory' ? n.id.replace(/^memory:/, '') : (n.name ?? ''));

  return (
    <section class="flex flex-col gap-2" data-graph>
      <form
        class="flex flex-wrap gap-2 items-center"
        onSubmit={(e) => {
          e.preventDefault();
          if (input().trim() === props.around) void load(input(), false);
          else props.onAround(input().trim());
        }}
      >
        <input
          class="input flex-1 min-w-48"
          name="around"
          data-graph-around
          placeholder={t('memory.graph.around')}
          aria-label={t('memory.graph.around')}
          value={input()}
          onInput={(e) => setInput(e.currentTarget.value)}
        />
        <label class="text-sm flex items-center gap-1">
          {t('memory.graph.depth')}
          <select class="input w-auto" value={depth()} onChange={(e) => setDepth(Number(e.currentTarget.value))}>
            <option value="1">1</option>
            <option value="2">2</option>
            <option value="3">3</option>
          </select>
        </label>
        <button type="submit" class="btn-primary" data-graph-show disabled={busy() || !view()}>
          {t('memory.graph.show')}
        </button>
        <button
          type="button"
          class="btn"
          data-graph-add
          disabled={busy() || !view() || !input().trim()}
          onClick={() => load(input(), true)}
        >
          {t('memory.graph.add')}
        </button>
      </form>
      <div class="flex flex-wrap gap-3 items-center text-sm">
        <span data-graph-count data-nodes={counts().nodes} data-edges={counts().edges} data-busy={busy()}>
          {busy() ? t('common.loading') : t('memory.graph.counts', counts())}
        </span>
        <span class="flex gap-2 text-xs">
          <span class="text-blue-600">● {t('memory.graph.entity')}</span>
          <span class="text-amber-600">■ {t('memory.graph.memory')}</span>
          <span class="text-emerald-600">◆ {t('memory.graph.file')}</span>
        </span>
        <form
          class="flex gap-1 ml-auto"
          onSubmit={(e) => {
            e.preventDefault();
            if (!view()?.find(findText())) setMessage(t('memory.graph.notFound', { name: findText() }));
          }}
        >
          <input
            class="input w-40"
            data-graph-find
            placeholder={t('memory.graph.find')}
            aria-label={t('memory.graph.find')}
            value={findText()}
            onInput={(e) => setFindText(e.currentTarget.value)}
          />
          <button type="submit" class="btn">
            {t('memory.graph.findGo')}
          </button>
        </form>
      </div>
      <Show when={message()}>
        <p class="m-0 text-sm text-amber-700 dark:text-amber-300" role="status" data-graph-message>
          {message()}
        </p>
      </Show>
      <Show when={selected()}>
        {(n) => (
          <div class="card flex flex-wrap gap-2 items-center text-sm" data-graph-selected={n().id}>
            <span class="flex-1 min-w-0 break-all">
              <strong>{n().label === 'Memory' ? t('memory.graph.memoryNode') : (n().name ?? n().path)}</strong>
              <Show when={n().type}> · {n().type}</Show>
            </span>
            <Show when={n().label !== 'File'}>
              <button type="button" class="btn text-xs" data-graph-expand onClick={() => load(aroundOf(n()), true, 1)}>
                {t('memory.graph.expand')}
              </button>
              <button type="button" class="btn text-xs" onClick={() => props.onAround(aroundOf(n()))}>
                {t('memory.graph.center')}
              </button>
            </Show>
            <Show when={n().label === 'Memory'}>
              <button type="button" class="btn text-xs" data-graph-open onClick={() => props.onOpen(aroundOf(n()))}>
                {t('memory.graph.open')}
              </button>
            </Show>
          </div>
        )}
      </Show>
      <div
        ref={container}
        class="w-full h-[65vh] min-h-80 rounded border border-gray-200 dark:border-gray-700 bg-gray-50 dark:bg-gray-900"
        data-graph-canvas
        role="img"
        aria-label={t('memory.graph.title')}
      />
    </section>
  );
}
