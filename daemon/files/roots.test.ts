import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allowedRoots, defaultRoots, parseUserDirs, rootStatus } from './roots.ts';

describe('allowed roots', () => {
  it('reads localised XDG user-dirs, $HOME-relative or absolute, with escapes', () => {
    const dirs = parseUserDirs(
      [
        '# This file is written by xdg-user-dirs-update',
        'XDG_DESKTOP_DIR="$HOME/Рабочий стол"',
        'XDG_DOWNLOAD_DIR="$HOME/Загрузки"',
        'XDG_MUSIC_DIR="/media/music"',
        'XDG_VIDEOS_DIR="relative/not/allowed"',
        'XDG_PICTURES_DIR="$HOME/My \\"Pics\\""',
      ].join('\n'),
      '/home/ann',
    );
    expect(dirs).toEqual({
      XDG_DESKTOP_DIR: '/home/ann/Рабочий стол',
      XDG_DOWNLOAD_DIR: '/home/ann/Загрузки',
      XDG_MUSIC_DIR: '/media/music',
      XDG_PICTURES_DIR: '/home/ann/My "Pics"',
    });
  });

  it('uses the user-dirs names on Linux and the English names without the file', () => {
    const home = mkdtempSync(join(tmpdir(), 'titan-roots-'));
    expect(defaultRoots({ HOME: home }, 'linux')).toEqual([join(home, 'Desktop'), join(home, 'Downloads')]);
    mkdirSync(join(home, '.config'));
    writeFileSync(
      join(home, '.config', 'user-dirs.dirs'),
      'XDG_DESKTOP_DIR="$HOME/Рабочий стол"\nXDG_DOWNLOAD_DIR="$HOME/Загрузки"\n',
    );
    expect(defaultRoots({ HOME: home }, 'linux')).toEqual([join(home, 'Рабочий стол'), join(home, 'Загрузки')]);
    // A folder set to $HOME means "disabled" in user-dirs: never the whole home.
    writeFileSync(join(home, '.config', 'user-dirs.dirs'), 'XDG_DESKTOP_DIR="$HOME/"\n');
    expect(defaultRoots({ HOME: home }, 'linux')[0]).toBe(join(home, 'Desktop'));
    // XDG_CONFIG_HOME moves the file.
    mkdirSync(join(home, 'cfg'));
    writeFileSync(join(home, 'cfg', 'user-dirs.dirs'), 'XDG_DOWNLOAD_DIR="$HOME/DL"\n');
    expect(defaultRoots({ HOME: home, XDG_CONFIG_HOME: join(home, 'cfg') }, 'linux')[1]).toBe(join(home, 'DL'));
  });

  it('uses ~/Desktop and ~/Downloads on macOS and the profile folders on Windows when the registry is unavailable', () => {
    expect(defaultRoots({ HOME: '/Users/ann' }, 'darwin')).toEqual(['/Users/ann/Desktop', '/Users/ann/Downloads']);
    const win = defaultRoots({ USERPROFILE: '/profiles/ann' }, 'win32');
    expect(win).toEqual([join('/profiles/ann', 'Desktop'), join('/profiles/ann', 'Downloads')]);
  });

  it('prefers the configured list, expanding ~ and dropping duplicates', () => {
    expect(allowedRoots(['~/Docs', '/srv/share', '/srv/share/'], { HOME: '/home/ann' }, 'linux')).toEqual([
      '/home/ann/Docs',
      '/srv/share',
    ]);
  });

  it('reports a missing root or a file in its place instead of failing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'titan-roots-'));
    writeFileSync(join(dir, 'file'), 'x');
    expect(rootStatus([dir, join(dir, 'missing'), join(dir, 'file')])).toEqual([
      { path: dir, exists: true },
      { path: join(dir, 'missing'), exists: false, problem: 'the folder does not exist' },
      { path: join(dir, 'file'), exists: true, problem: 'it is not a folder' },
    ]);
  });
});
