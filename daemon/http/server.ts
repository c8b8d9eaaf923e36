// Serves a Titan app over HTTP (with WebSocket upgrades) and shuts it down gracefully: drain requests, then close storage.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { WebSocketServer } from 'ws';
import type { Titan } from '../app.ts';

export interface Listening {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export function listen(titan: Titan, drainMs = 5000): Promise<Listening> {
  const { host, port } = titan.settings.get().server;
  if (!LOOPBACK.has(host)) {
    titan.logs.app.warn(
      { host },
      'listening on a non-loopback address because the settings say so: other machines can reach Titan',
    );
  }
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  return new Promise((resolve, reject) => {
    const server = serve(
      {
        fetch: titan.app.fetch,
        port,
        hostname: host,
        websocket: { server: wss },
        // Headers up to 1 MB reach the app, which answers a too-long URL with a JSON 414 (Node's own 431 has no body).
        serverOptions: { maxHeaderSize: 1024 * 1024 },
      },
      (info: AddressInfo) => {
        titan.setListeningPort(info.port);
        const shownHost = host === '::1' ? '[::1]' : host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
        const url = `http://${shownHost}:${info.port}`;
        titan.logs.app.info({ url }, 'listening');
        let stopping: Promise<void> | undefined;
        resolve({
          url,
          port: info.port,
          stop: () => {
            stopping ??= (async () => {
              const http = server as Server;
              for (const client of wss.clients) client.close(1001, 'titan is shutting down');
              const closed = new Promise<void>((done) => http.close(() => done()));
              http.closeIdleConnections();
              const timer = setTimeout(() => http.closeAllConnections(), drainMs);
              await closed;
              clearTimeout(timer);
              await titan.close();
            })();
            return stopping;
          },
        });
      },
    ) as Server;
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(
              `port ${port} on ${host} is in use: stop the other program or set TITAN_PORT (or server.port in settings)`,
            )
          : err,
      );
    });
  });
}
