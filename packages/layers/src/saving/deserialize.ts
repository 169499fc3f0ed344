import { DltsError, received } from '@dlts/tensors';
import { InputLayer } from '../engine/input_layer';
import type { Layer } from '../engine/layer';
import type { SymbolicTensor } from '../engine/symbolic';
import { Model } from '../models/model';
import { Sequential } from '../models/sequential';
import { configToArgs } from './config';
import { layerClass, registeredLayers } from './registry';

/** A serialized layer or model as Keras writes it: `{class_name, config}`. */
export interface SerializedLayer {
  class_name: string;
  config: unknown;
  name?: string;
  inbound_nodes?: unknown[];
}

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

/**
 * Rebuilds a layer or a whole model from its Keras config (Keras 2 or Keras 3 layout).
 * Weights are freshly initialised; load them afterwards.
 *
 * @throws DltsError `DLTS_UNSUPPORTED` for a layer class dlts does not have.
 * @example
 * ```ts
 * import { Dense, dense, fromConfig } from '@dlts/layers';
 * const layer = dense({ units: 10, activation: 'softmax' });
 * const copy = fromConfig({ class_name: layer.className, config: layer.getConfig() });
 * copy instanceof Dense; // true: same settings, fresh weights
 * const clone = fromConfig({ class_name: model.className, config: model.getConfig() }); // a model's architecture
 * ```
 */
export function fromConfig(serialized: SerializedLayer): Layer {
  if (!serialized || typeof serialized.class_name !== 'string') {
    throw new DltsError('DLTS_VALUE', `fromConfig: expected {class_name, config}. Received: ${received(serialized)}`);
  }
  if (serialized.class_name === 'Sequential') return sequentialFromConfig(serialized.config);
  if (MODEL_CLASSES.has(serialized.class_name)) return functionalFromConfig(serialized.config as FunctionalConfig);
  const cls = layerClass(serialized.class_name);
  if (!cls) {
    throw new DltsError(
      'DLTS_UNSUPPORTED',
      `fromConfig: unknown layer class "${serialized.class_name}" (dlts has ${registeredLayers().join(', ')}; register custom layers with registerLayer)`,
    );
  }
  const config = (serialized.config ?? {}) as Record<string, unknown>;
  const args = configToArgs(config);
  if (cls === (InputLayer as unknown)) {
    return new InputLayer({ batchShape: (args.batchInputShape as (number | null)[]) ?? undefined, dtype: args.dtype as never, name: args.name as string });
  }
  return new cls(args as never);
}

function sequentialFromConfig(config: unknown): Sequential {
  const c = Array.isArray(config) ? { layers: config } : (config as { name?: string; layers: SerializedLayer[]; build_input_shape?: unknown });
  const model = new Sequential({ name: (c as { name?: string }).name });
  for (const layerConfig of c.layers) {
    const layer = fromConfig(layerConfig);
    model.add(layer instanceof InputLayer ? (layer.output as SymbolicTensor) : layer);
  }
  const buildShape = (c as { build_input_shape?: (number | null)[] }).build_input_shape;
  if (!model.built && Array.isArray(buildShape)) model.build(buildShape);
  return model;
}

interface FunctionalConfig {
  name?: string;
  trainable?: boolean;
  layers: SerializedLayer[];
  input_layers: unknown;
  output_layers: unknown;
}

type TensorRef = [string, number, number];

function functionalFromConfig(config: FunctionalConfig): Model {
  const layers = new Map<string, Layer>();
  const pending: { layer: Layer; nodes: TensorRef[][]; done: number }[] = [];
  for (const lc of config.layers) {
    const layer = fromConfig(lc);
    const name = lc.name ?? (lc.config as { name?: string })?.name ?? layer.name;
    layers.set(name, layer);
    pending.push({ layer, nodes: parseInboundNodes(lc.inbound_nodes ?? []), done: 0 });
  }
  // Outputs of each layer's calls, in call order.
  const produced = new Map<string, SymbolicTensor[][]>();
  for (const [name, layer] of layers) {
    if (layer instanceof InputLayer) produced.set(name, [[layer.output as SymbolicTensor]]);
  }
  let progress = true;
  while (progress) {
    progress = false;
    for (const p of pending) {
      while (p.done < p.nodes.length) {
        const refs = p.nodes[p.done];
        const inputs = refs.map(([n, node, index]) => produced.get(n)?.[node]?.[index]);
        if (inputs.some((t) => t === undefined)) break;
        const out = p.layer.apply((inputs.length === 1 ? inputs[0]! : inputs) as SymbolicTensor | SymbolicTensor[]) as SymbolicTensor | SymbolicTensor[];
        const list = produced.get(p.layer.name) ?? [];
        list.push(Array.isArray(out) ? out : [out]);
        produced.set(p.layer.name, list);
        p.done++;
        progress = true;
      }
    }
  }
  const stuck = pending.filter((p) => p.done < p.nodes.length);
  if (stuck.length > 0) {
    throw new DltsError('DLTS_VALUE', `fromConfig: cannot connect layers ${stuck.map((p) => p.layer.name).join(', ')} (missing inputs)`);
  }
  const pick = (refs: unknown): SymbolicTensor[] =>
    normalizeRefs(refs).map(([n, node, index]) => {
      const t = produced.get(n)?.[node]?.[index];
      if (!t) throw new DltsError('DLTS_VALUE', `fromConfig: the model refers to an unknown tensor ${n}[${node}][${index}]`);
      return t;
    });
  const model = new Model({ inputs: pick(config.input_layers), outputs: pick(config.output_layers), name: config.name });
  if (config.trainable === false) model.trainable = false;
  return model;
}

/** Inbound nodes in Keras 2 (`[[name, node, tensor, kwargs], ...]`) or Keras 3 (`{args: [...]}`) layout. */
function parseInboundNodes(nodes: unknown[]): TensorRef[][] {
  return nodes.map((node) => {
    if (Array.isArray(node)) return node.map((ref) => [ref[0], ref[1], ref[2]] as TensorRef);
    const args = (node as { args?: unknown[] }).args ?? [];
    const refs: TensorRef[] = [];
    const collect = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(collect);
      else if (v && typeof v === 'object' && (v as { class_name?: string }).class_name === '__keras_tensor__') {
        const h = (v as { config: { keras_history: [string, number, number] } }).config.keras_history;
        refs.push([h[0], h[1], h[2]]);
      }
    };
    collect(args);
    return refs;
  });
}

function normalizeRefs(refs: unknown): TensorRef[] {
  if (Array.isArray(refs) && refs.length === 3 && typeof refs[0] === 'string') return [refs as TensorRef];
  if (Array.isArray(refs)) return refs.map((r) => [r[0], r[1], r[2]] as TensorRef);
  throw new DltsError('DLTS_VALUE', `fromConfig: invalid input/output layer list. Received: ${received(refs)}`);
}
