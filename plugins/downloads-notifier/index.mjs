// The example plugin: reacts to fs.v1 file.created events in Downloads with a notification (a plugin.v1 "notify"
// event), and offers a read-only tool listing what arrived. It sees the disk only through the daemon (ctx.files).

/** Unfinished browser downloads: the real file comes with its own event when it is complete. */
const PARTIAL = /\.(crdownload|part|partial|download|tmp)$/i;
const KEEP = 200;

let downloads = null;
const arrived = [];

const inside = (dir, path) => path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
const nameOf = (path) => path.slice(path.lastIndexOf('/') + 1);
const human = (bytes) =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1048576
      ? `${(bytes / 1024).toFixed(1)} KB`
      : `${(bytes / 1048576).toFixed(1)} MB`;

export default {
  async start(ctx) {
    // The real path of Downloads, as the watcher reports it; missing is fine (nothing will arrive there then).
    downloads = await ctx.files.list('Downloads').then(
      (listing) => listing.path,
      (err) => {
        ctx.log.warn(`Downloads cannot be watched: ${err.message}`);
        return null;
      },
    );
  },

  tools: {
    recent: ({ limit = 10 }) => ({
      folder: downloads,
      files: arrived.slice(0, limit),
      summary: arrived.length
        ? `${arrived.length} file(s) arrived in Downloads since Titan started; newest: ${arrived[0].name}`
        : 'nothing new in Downloads since Titan started',
    }),
  },

  events: {
    'fs.v1': async (event, ctx) => {
      if (event.event_type !== 'file.created' || !downloads) return;
      const path = event.payload?.path;
      if (typeof path !== 'string' || !inside(downloads, path) || PARTIAL.test(path)) return;
      const name = nameOf(path);
      let size = null;
      try {
        const listing = await ctx.files.list(path.slice(0, path.lastIndexOf('/')));
        size = listing.entries.find((e) => e.name === name)?.size ?? null;
      } catch {
        // Gone again already (moved or deleted): still worth a line.
      }
      arrived.unshift({ name, path, size, at: event.timestamp });
      arrived.length = Math.min(arrived.length, KEEP);
      await ctx.notify({
        title: 'New download',
        body: size === null ? name : `${name} (${human(size)})`,
      });
    },
  },
};
