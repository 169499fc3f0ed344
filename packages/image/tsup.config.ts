import { preset } from '../../tsup.preset.ts';

// The flows' worker thread is a second entry: dist/pipeline_worker.{js,cjs} next to dist/index.*.
export default preset({ entry: ['src/index.ts', 'src/flow/pipeline_worker.ts'] });
