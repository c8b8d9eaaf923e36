// Entry: mounts the app and registers the service worker (app shell only; the API is never cached).
import 'virtual:uno.css';
import { render } from 'solid-js/web';
import { App } from './App.tsx';

render(() => <App />, document.getElementById('root') as HTMLElement);
if ('serviceWorker' in navigator) void navigator.serviceWorker.register('/sw.js').catch(() => {});
