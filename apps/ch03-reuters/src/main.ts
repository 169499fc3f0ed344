#!/usr/bin/env node
import { parseReutersArgs, USAGE } from './args';
import { runReuters } from './chapter';

try {
  const options = parseReutersArgs(process.argv.slice(2));
  if (options === 'help') {
    console.log(USAGE);
  } else {
    await runReuters(options);
  }
} catch (error) {
  console.error(`ch03-reuters: ${(error as Error).message}`);
  process.exitCode = 1;
}
