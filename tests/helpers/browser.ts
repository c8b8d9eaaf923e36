// Launches Debian's Chromium headless through playwright-core, with the flags this closed network needs.
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.TITAN_CHROMIUM ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's chromium (make test does) or set TITAN_CHROMIUM`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/**
 * A page of the web UI already signed in (the token in localStorage, English), collecting page errors into
 * `errors` and accepting confirm dialogs. Reloads so the app starts with the token.
 */
export async function signedInPage(
  browser: Browser,
  url: string,
  token: string,
  errors: string[],
  readySelector: string,
): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('dialog', (d) => void d.accept());
  await page.goto(url);
  await page.evaluate((t) => {
    localStorage.setItem('titan.token', t);
    localStorage.setItem('titan.lang', 'en');
  }, token);
  await page.reload();
  await page.waitForSelector(readySelector);
  return page;
}
