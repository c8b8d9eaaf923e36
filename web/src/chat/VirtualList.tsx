// A windowed list for long conversations: rows of any height are estimated, measured once shown (ResizeObserver), and
// only those in or near the viewport are in the DOM. The view stays on the same row when rows are added above it or
// change height, and follows the end (the answer being written) while the user is there.
import { createEffect, createMemo, createSignal, For, type JSX, on, onCleanup, onMount } from 'solid-js';

export interface VirtualHandle {
  /** Brings the row with this key to the middle of the view; false when it is not in the list. */
  scrollToKey(key: string): boolean;
  scrollToEnd(): void;
}

export interface VirtualListProps<T> {
  items: readonly T[];
  key: (item: T) => string;
  estimate: (item: T) => number;
  children: (item: T) => JSX.Element;
  /** Shown after the rows, inside the scroller (the answer being written). */
  footer?: JSX.Element;
  /** The rendered window [first, end) of `count` rows, whenever it moves or the rows change. */
  onRange?: (first: number, end: number, count: number) => void;
  onAtEnd?: (atEnd: boolean) => void;
  handle?: (h: VirtualHandle) => void;
  /** Pixels rendered beyond each edge of the viewport. Default 600. */
  overscan?: number;
  class?: string;
}

export function VirtualList<T>(props: VirtualListProps<T>) {
  let scroller!: HTMLDivElement;
  let footer!: HTMLDivElement;
  const measured = new Map<string, number>();
  let heights = new Float64Array(0);
  let tops = new Float64Array(1);
  let keys: string[] = [];
  let index = new Map<string, number>();
  let follow = true;
  const setFollow = (on: boolean) => {
    if (on !== follow) props.onAtEnd?.(on);
    follow = on;
  };
  let anchor: { key: string; delta: number } | null = null;
  /** Where the view must go once the DOM has the new layout (read by the window before the scroll happens). */
  let pending: number | null = null;
  const [layout, setLayout] = createSignal(0);
  const [viewTop, setViewTop] = createSignal(0);
  const [viewport, setViewport] = createSignal(800);

  const recompute = () => {
    if (tops.length !== heights.length + 1) tops = new Float64Array(heights.length + 1);
    for (let i = 0; i < heights.length; i++) tops[i + 1] = (tops[i] as number) + (heights[i] as number);
  };
  const rebuild = (items: readonly T[]) => {
    const n = items.length;
    keys = new Array(n);
    index = new Map();
    heights = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const item = items[i] as T;
      const k = props.key(item);
      keys[i] = k;
      index.set(k, i);
      heights[i] = measured.get(k) ?? props.estimate(item);
    }
    recompute();
  };
  /** The last row whose top is at or above y. */
  const rowAt = (y: number) => {
    let lo = 0;
    let hi = heights.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((tops[mid] as number) <= y) lo = mid;
      else hi = mid - 1;
    }
    return Math.max(0, lo);
  };
  const total = () => tops[heights.length] as number;
  const maxTop = () => Math.max(0, total() + (footer?.offsetHeight ?? 0) - viewport());
  const desiredTop = () => {
    if (follow) return maxTop();
    const at = anchor ? index.get(anchor.key) : undefined;
    if (anchor && at !== undefined) return Math.min(maxTop(), (tops[at] as number) + anchor.delta);
    return scroller?.scrollTop ?? 0;
  };
  /** The scrollTop we set last: its scroll event is ours, not the user leaving the end or moving the anchor. */
  let ownTop = -1;
  const settle = () => {
    if (pending === null) return;
    scroller.scrollTop = pending;
    pending = null;
    ownTop = scroller.scrollTop;
    setViewTop(ownTop);
  };
  const relayout = () => {
    pending = desiredTop();
    setLayout((v) => v + 1);
    settle();
  };

  const rows = createMemo(() => {
    const items = props.items;
    rebuild(items);
    pending = desiredTop();
    return items;
  });
  const range = createMemo(
    () => {
      rows();
      layout();
      const seen = viewTop();
      const n = heights.length;
      if (n === 0) return [0, 0] as const;
      const top = pending ?? seen;
      const over = props.overscan ?? 600;
      return [rowAt(top - over), Math.min(n, rowAt(top + viewport() + over) + 1)] as const;
    },
    [0, 0] as const,
    { equals: (a, b) => a[0] === b[0] && a[1] === b[1] },
  );
  const spacers = createMemo(() => {
    layout();
    const [first, end] = range();
    return { above: tops[first] ?? 0, below: total() - (tops[end] ?? 0) };
  });
  const visible = createMemo(() => {
    const [first, end] = range();
    return rows().slice(first, end);
  });
  createEffect(on(rows, settle));
  createEffect(() => {
    const [first, end] = range();
    props.onRange?.(first, end, rows().length);
  });

  const sizes = new ResizeObserver((entries) => {
    let changed = false;
    for (const e of entries) {
      const el = e.target as HTMLElement;
      if (el === scroller) {
        setViewport(scroller.clientHeight);
        changed = true;
        continue;
      }
      if (el === footer) {
        changed ||= follow;
        continue;
      }
      const k = el.dataset.vkey as string;
      const i = index.get(k);
      const h = e.borderBoxSize?.[0]?.blockSize ?? el.offsetHeight;
      if (i === undefined || h === 0) continue;
      measured.set(k, h);
      if (Math.abs((heights[i] as number) - h) > 0.5) {
        heights[i] = h;
        changed = true;
      }
    }
    if (changed) {
      recompute();
      relayout();
    }
  });
  onMount(() => {
    sizes.observe(scroller);
    sizes.observe(footer);
    setViewport(scroller.clientHeight);
    props.handle?.({
      scrollToKey(key) {
        const i = index.get(key);
        if (i === undefined) return false;
        setFollow(false);
        const delta = (heights[i] as number) / 2 - viewport() / 2;
        anchor = { key, delta };
        relayout();
        return true;
      },
      scrollToEnd() {
        setFollow(true);
        relayout();
      },
    });
  });
  onCleanup(() => sizes.disconnect());

  const onScroll = () => {
    const top = scroller.scrollTop;
    if (Math.abs(top - ownTop) < 1) return;
    ownTop = -1;
    const atEnd = top + scroller.clientHeight >= scroller.scrollHeight - 8;
    setFollow(atEnd);
    if (heights.length) {
      const i = rowAt(top);
      anchor = { key: keys[i] as string, delta: top - (tops[i] as number) };
    }
    setViewTop(top);
  };

  const observe = (el: HTMLElement) => {
    sizes.observe(el);
    onCleanup(() => sizes.unobserve(el));
  };
  return (
    <div
      ref={scroller}
      data-virtual-list
      class={props.class}
      style={{ 'overflow-y': 'auto', 'overflow-anchor': 'none' }}
      onScroll={onScroll}
    >
      <div style={{ height: `${spacers().above}px` }} />
      <For each={visible()}>
        {(item) => (
          <div data-vkey={props.key(item)} ref={observe}>
            {props.children(item)}
          </div>
        )}
      </For>
      <div style={{ height: `${spacers().below}px` }} />
      <div ref={footer}>{props.footer}</div>
    </div>
  );
}
