// yargs' and cliui's parts by 'package:specifier' (./yargs-parts.ts); scripts/bundle-cli.mjs resolves them
declare module 'yargs:*';
declare module 'cliui:*';
