#!/usr/bin/env node
import { parseCh02Args, USAGE } from './args';
import { runChapter2 } from './chapter';

try {
  const options = parseCh02Args(process.argv.slice(2));
  if (options === 'help') {
    console.log(USAGE);
  } else {
    await runChapter2(options);
  }
} catch (error) {
  console.error(`ch02-mnist: ${(error as Error).message}`);
  process.exitCode = 1;
}
