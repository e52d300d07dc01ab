import { readFileSync } from 'node:fs';

/** help.json, written next to the bundle by scripts/help-screens.mjs. */
interface BuiltScreens {
  /** yargs' locale files, without '.json' */
  locales: string[];
  /** by command ('' for the top screen), as yargs draws them at 80 columns in English */
  screens: Record<string, string>;
  /** whether a locale yargs has no file for draws the same text (its messages untranslated) */
  untranslatedSame: boolean;
}

/**
 * `rampart --help` and `rampart <command> --help`, drawn by yargs when the command was built
 * (start-up, issue 11: the help screen without yargs, cliui and string-width). Only where yargs
 * would draw that same text: 80 columns (a pipe, or a terminal at least that wide) and English
 * messages. Otherwise, or without the file (the unbundled dist/), yargs draws it: undefined.
 */
export function builtHelp(argv: string[]): string | undefined {
  if (argv.length > 2 || argv.at(-1) !== '--help') return undefined;
  const columns = process.stdout.columns;
  if (columns && columns < 80) return undefined;
  let built: BuiltScreens;
  try {
    built = JSON.parse(readFileSync(new URL('./help.json', import.meta.url), 'utf8')) as BuiltScreens;
  } catch {
    return undefined;
  }
  const file = localeFile(built.locales);
  if (file === 'en' || (file === undefined && built.untranslatedSame)) return built.screens[argv.slice(0, -1).join(' ')];
  return undefined;
}

/** The locale file yargs' y18n reads here (yargs' kGuessLocale, y18n's _resolveLocaleFile), if any. */
function localeFile(files: string[]): string | undefined {
  const env = process.env;
  const locale = (env.LC_ALL || env.LC_MESSAGES || env.LANG || env.LANGUAGE || 'en_US').replace(/[.:].*/, '');
  if (files.includes(locale)) return locale;
  const language = locale.split('_')[0];
  return locale.includes('_') && files.includes(language) ? language : undefined;
}
