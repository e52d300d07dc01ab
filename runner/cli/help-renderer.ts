import { cliui } from 'cliui:./build/lib/index.js';
import stripAnsi from 'cliui:strip-ansi';
import wrap from 'cliui:wrap-ansi';
import { textWidth } from './text-width.js';
import type { Renderer } from './yargs-parts.js';

/**
 * cliui/index.mjs's wiring, with one string-width: textWidth, which the bundle also gives wrap-ansi
 * (scripts/bundle-cli.mjs); each string-width copy sets up its own Intl.Segmenter.
 */
export function helpRenderer(): Renderer {
  const mixin = { stringWidth: textWidth, stripAnsi, wrap };
  return { cliui: (options) => cliui(options, mixin), stringWidth: textWidth };
}
