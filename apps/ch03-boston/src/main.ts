#!/usr/bin/env node
import { parseBostonArgs, USAGE } from './args';
import { runBoston } from './chapter';

try {
  const options = parseBostonArgs(process.argv.slice(2));
  if (options === 'help') {
    console.log(USAGE);
  } else {
    await runBoston(options);
  }
} catch (error) {
  console.error(`ch03-boston: ${(error as Error).message}`);
  process.exitCode = 1;
}
