#!/usr/bin/env node
import { parseActivationsArgs, USAGE } from './args';
import { runActivations } from './chapter';

try {
  const options = parseActivationsArgs(process.argv.slice(2));
  if (options === 'help') {
    console.log(USAGE);
  } else {
    await runActivations(options);
  }
} catch (error) {
  console.error(`ch04-activations: ${(error as Error).message}`);
  process.exitCode = 1;
}
