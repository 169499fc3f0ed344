#!/usr/bin/env node
import { parseCh04MnistArgs, USAGE } from './args';
import { runMnistConvnet } from './chapter';

try {
  const options = parseCh04MnistArgs(process.argv.slice(2));
  if (options === 'help') {
    console.log(USAGE);
  } else {
    await runMnistConvnet(options);
  }
} catch (error) {
  console.error(`ch04-mnist-convnet: ${(error as Error).message}`);
  process.exitCode = 1;
}
