#!/usr/bin/env node
import { parseImdbArgs, USAGE } from './args';
import { runImdb } from './chapter';

try {
  const options = parseImdbArgs(process.argv.slice(2));
  if (options === 'help') {
    console.log(USAGE);
  } else {
    await runImdb(options);
  }
} catch (error) {
  console.error(`ch03-imdb: ${(error as Error).message}`);
  process.exitCode = 1;
}
