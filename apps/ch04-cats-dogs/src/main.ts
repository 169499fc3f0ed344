#!/usr/bin/env node
import { writeFile } from 'node:fs/promises';
import { initBackend, setSeed } from '@dlts/tensors';
import { parseCatsDogsArgs, USAGE } from './args';
import { augment, augmentPreview, evaluate, prepare, scratch } from './commands';

try {
  const options = parseCatsDogsArgs(process.argv.slice(2));
  if (options === 'help') {
    console.log(USAGE);
  } else {
    const backend = await initBackend(options.backend);
    if (options.seed !== undefined) setSeed(options.seed);
    const log = (line: string) => console.log(line);
    const commands = { prepare, scratch, 'augment-preview': augmentPreview, augment, evaluate };
    const result = await commands[options.command](options, log);
    if (options.json) await writeFile(options.json, `${JSON.stringify({ ...result, backend: backend.backend }, null, 2)}\n`);
  }
} catch (error) {
  console.error(`ch04-cats-dogs: ${(error as Error).message}`);
  process.exitCode = 1;
}
