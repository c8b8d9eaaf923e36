// The OS service definitions that start Titan at logon — a systemd user unit, a launchd agent plist, a Scheduled Task
// command line — as pure functions of the command to run, so all three are generated and checked on any OS.
import { join } from 'node:path';

export const SERVICE_NAME = 'titan';
export const LAUNCHD_LABEL = 'app.titan.daemon';
export const TASK_NAME = 'Titan';

export interface ServiceSpec {
  /** The program and its arguments: the single executable alone, or node + main.ts in a checkout. */
  command: string[];
  /** Environment to carry over (TITAN_HOME when the user set it). */
  env: Record<string, string>;
  /** Where launchd writes the daemon's console output. */
  logDir: string;
}

/** systemd's quoting: double quotes around each word, `\` and `"` escaped, `%` and `$` doubled (specifier, variable). */
function systemdWord(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%').replace(/\$/g, '$$$$')}"`;
}

export function systemdUnit(spec: ServiceSpec): string {
  const env = Object.entries(spec.env).map(([k, v]) => `Environment=${systemdWord(`${k}=${v}`)}`);
  return [
    '# Titan, the local AI assistant — written by `titan install-service`; `titan uninstall-service` removes it.',
    '[Unit]',
    'Description=Titan local AI assistant',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${spec.command.map(systemdWord).join(' ')}`,
    ...env,
    'Restart=on-failure',
    'RestartSec=5',
    // The daemon drains requests and closes its databases on SIGTERM; give it the time it asks for.
    'TimeoutStopSec=30',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}

export function systemdUnitPath(env: NodeJS.ProcessEnv, home: string): string {
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'systemd', 'user', `${SERVICE_NAME}.service`);
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function launchdPlist(spec: ServiceSpec): string {
  const strings = (items: string[], indent: string) => items.map((i) => `${indent}<string>${xml(i)}</string>`);
  const env = Object.entries(spec.env).flatMap(([k, v]) => [
    `    <key>${xml(k)}</key>`,
    `    <string>${xml(v)}</string>`,
  ]);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    '<dict>',
    '  <key>Label</key>',
    `  <string>${LAUNCHD_LABEL}</string>`,
    '  <key>ProgramArguments</key>',
    '  <array>',
    ...strings(spec.command, '    '),
    '  </array>',
    ...(env.length ? ['  <key>EnvironmentVariables</key>', '  <dict>', ...env, '  </dict>'] : []),
    '  <key>RunAtLoad</key>',
    '  <true/>',
    // Restart after a crash, not after a clean stop (SuccessfulExit false = keep alive only when it failed).
    '  <key>KeepAlive</key>',
    '  <dict>',
    '    <key>SuccessfulExit</key>',
    '    <false/>',
    '  </dict>',
    '  <key>ProcessType</key>',
    '  <string>Interactive</string>',
    '  <key>StandardOutPath</key>',
    `  <string>${xml(join(spec.logDir, 'launchd.out.log'))}</string>`,
    '  <key>StandardErrorPath</key>',
    `  <string>${xml(join(spec.logDir, 'launchd.err.log'))}</string>`,
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
}

export function launchdPlistPath(home: string): string {
  return join(home, 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`);
}

/** A word of a Windows command line as CommandLineToArgvW reads it. */
export function windowsQuote(s: string): string {
  if (s !== '' && !/[\s"]/.test(s)) return s;
  return `"${s.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`;
}

/**
 * schtasks' arguments for a task that starts Titan at this user's logon with normal rights. /TR holds one command
 * line (at most 261 characters); TITAN_HOME cannot ride along there, so it is set for the user with setx instead.
 */
export function schtasksCreateArgs(spec: ServiceSpec): string[] {
  return [
    '/Create',
    '/SC',
    'ONLOGON',
    '/TN',
    TASK_NAME,
    '/TR',
    spec.command.map(windowsQuote).join(' '),
    '/RL',
    'LIMITED',
    '/F',
  ];
}

export function schtasksDeleteArgs(): string[] {
  return ['/Delete', '/TN', TASK_NAME, '/F'];
}

/** How a command with its arguments is shown to the user to run by hand. */
export function shellLine(program: string, args: string[], platform: NodeJS.Platform): string {
  const quote =
    platform === 'win32'
      ? windowsQuote
      : (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return [program, ...args].map(quote).join(' ');
}
