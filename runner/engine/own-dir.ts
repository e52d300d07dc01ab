import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** rampart's own install folder (dist/): its frames are never "the user's code". Apart from run.ts so inspect loads without the engine. */
export const OWN_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
