#!/usr/bin/env node
import { parseVgg16Args, USAGE } from './args';
import { runVgg16 } from './commands';

try {
  const options = parseVgg16Args(process.argv.slice(2));
  if (options === 'help') {
    console.log(USAGE);
  } else {
    await runVgg16(options);
  }
} catch (error) {
  console.error(`ch04-vgg16: ${(error as Error).message}`);
  process.exitCode = 1;
}
