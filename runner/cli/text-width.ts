import { createRequire } from 'node:module';

// Printable ASCII is one column a character. string-width (emoji and East Asian width tables,
// Intl.Segmenter) costs a help screen tens of milliseconds, so it loads for other text only.
const ASCII = /^[\x20-\x7e]*$/;
let full: ((text: string) => number) | undefined;

/** string-width's answer, as wrap-ansi (which cliui draws the help with) would get it. */
export function textWidth(text: string): number {
  if (ASCII.test(text)) return text.length;
  full ??= loadStringWidth();
  return full(text);
}

function loadStringWidth(): (text: string) => number {
  const from = (file: string, spec: string) => createRequire(file).resolve(spec);
  const wrapAnsi = from(from(from(import.meta.url, 'yargs'), 'cliui'), 'wrap-ansi');
  // an ES module: require() loads it on Node >= 20.19
  return (createRequire(wrapAnsi)('string-width') as { default: (text: string) => number }).default;
}

/** as string-width exports it, for wrap-ansi's import in the bundle */
export default textWidth;
