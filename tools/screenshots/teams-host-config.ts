/**
 * Microsoft Teams' Adaptive Card host configs (light and dark), as Microsoft ships them in the
 * Adaptive Cards designer's npm package (`adaptivecards-designer`, `lib/hostConfigs/`). The package
 * is not a dependency (it pins adaptivecards 2 and monaco-editor as peers); the tool fetches its
 * tarball once with the ordinary npm client (`npm pack`) into node_modules/.cache and reads the two
 * files from there, so nothing of it is copied into this repository.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const DESIGNER = 'adaptivecards-designer@2.4.4';

export type Theme = 'light' | 'dark';

export interface TeamsTheme {
  readonly hostConfig: Record<string, unknown>;
  /** The designer's Teams container stylesheet (buttons, inputs, the card's frame). */
  readonly css: string;
  /** The chat's background behind the card, and the card's own (the host config's default container). */
  readonly page: string;
  readonly card: string;
}

/** Teams' host configs by theme, fetched once into `cacheDir`. */
export function teamsHostConfigs(cacheDir: string): Record<Theme, TeamsTheme> {
  const dir = path.join(cacheDir, DESIGNER.replace('@', '-'));
  const file = (theme: Theme) =>
    path.join(dir, 'package', 'lib', 'hostConfigs', `microsoft-teams-${theme}.json`);
  const css = (theme: Theme) =>
    path.join(dir, 'package', 'dist', 'containers', `teams-container-${theme}.css`);
  if (![file('light'), file('dark'), css('light'), css('dark')].every((f) => existsSync(f))) {
    mkdirSync(dir, { recursive: true });
    const tarball = execFileSync('npm', ['pack', DESIGNER, '--silent', '--pack-destination', dir], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .pop();
    if (!tarball) throw new Error(`npm pack ${DESIGNER} gave no tarball`);
    execFileSync('tar', [
      'xzf',
      path.join(dir, tarball),
      '-C',
      dir,
      'package/lib/hostConfigs',
      'package/dist/containers',
    ]);
  }
  const read = (theme: Theme) => JSON.parse(readFileSync(file(theme), 'utf8')) as Record<string, unknown>;
  // The designer's Teams frame: the chat background and the card's own background.
  return {
    light: {
      hostConfig: read('light'),
      css: readFileSync(css('light'), 'utf8'),
      page: '#f5f5f5',
      card: '#ffffff',
    },
    dark: {
      hostConfig: read('dark'),
      css: readFileSync(css('dark'), 'utf8'),
      page: '#1f1f1f',
      card: '#2d2c2c',
    },
  };
}
