// The .deb's control file: the package's name, version (package.json), architecture and what the binary links to.
export function debControl(version: string, installedKiB: number): string {
  return [
    'Package: titan',
    `Version: ${version}`,
    'Architecture: amd64',
    'Maintainer: Titan developers <titan@localhost>',
    'Section: utils',
    'Priority: optional',
    // Node's official Linux builds need glibc 2.28 and the GCC runtime; nothing else.
    'Depends: libc6 (>= 2.28), libstdc++6, libgcc-s1',
    `Installed-Size: ${installedKiB}`,
    'Description: local-first AI assistant daemon',
    ' Titan runs on 127.0.0.1 with a web UI, safe access to chosen folders and a',
    ' long-term memory. One executable with an embedded database; enable the user',
    ' service with: systemctl --user enable --now titan',
    '',
  ].join('\n');
}
