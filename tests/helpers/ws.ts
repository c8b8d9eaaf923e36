// Opens a WebSocket to the daemon and reports how the upgrade went, for the auth and Origin tests.
import { type ClientOptions, WebSocket } from 'ws';

/** Opens a WebSocket; resolves with 101 and the socket, or with the HTTP status the server refused it with. */
export function openWs(url: string, opts: ClientOptions = {}): Promise<{ status: number; ws?: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, opts);
    ws.once('open', () => resolve({ status: 101, ws }));
    ws.once('unexpected-response', (_req, res) => {
      ws.on('error', () => {});
      res.resume();
      ws.terminate();
      resolve({ status: res.statusCode ?? 0 });
    });
    ws.once('error', reject);
  });
}
