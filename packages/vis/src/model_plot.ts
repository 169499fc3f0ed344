/**
 * A diagram of a model's layer graph, as Keras's `plot_model(model, show_shapes = TRUE)`: one box
 * per layer (name, class, input and output shapes), arrows along the data flow, branches side
 * by side. The model is read structurally (layers, class names, inbound nodes and their symbolic
 * tensors' shapes), so `@dlts/vis` needs no runtime dependency on `@dlts/layers`.
 */
import { DltsError, received } from '@dlts/tensors';
import { pictureFormat, writeVega, type RenderOptions, type VegaSpec } from './render';
import { FONT } from './theme';

/** A symbolic tensor as the diagram reads it. */
export interface TensorLike {
  /** Shape with `null` for the batch axis. */
  readonly shape: readonly (number | null)[];
  /** The layer whose call produced it. */
  readonly sourceLayer: LayerLike;
}

/** One call of a layer: the tensors it read and produced (Keras's `Node`). */
export interface NodeLike {
  readonly inputs: readonly TensorLike[];
  readonly outputs: readonly TensorLike[];
}

/** A layer as the diagram reads it (`@dlts/layers`' `Layer` fits). */
export interface LayerLike {
  readonly name: string;
  readonly className: string;
  readonly inboundNodes: readonly NodeLike[];
  countParams?(): number;
}

/** A model as the diagram reads it (`@dlts/layers`' `Model` and `Sequential` fit). */
export interface ModelLike {
  readonly name: string;
  readonly layers: readonly LayerLike[];
  /** The model's symbolic inputs (their source layers are the input boxes). */
  readonly inputs?: readonly TensorLike[];
}

/** A box of the diagram. */
export interface ModelGraphNode {
  id: number;
  name: string;
  className: string;
  /** Keras 2's text: `(None, 784)`, or `[(None, 32), (None, 32)]` for several. */
  inputShape: string;
  outputShape: string;
  params?: number;
  /** Layer of the drawing (0 = top). */
  rank: number;
}

/** The diagram's graph: boxes and arrows (`from` -> `to`, by box id). */
export interface ModelGraph {
  name: string;
  nodes: ModelGraphNode[];
  edges: { from: number; to: number }[];
}

/** `(None, 28, 28, 1)`: a shape as Keras 2 prints it. */
export function formatKerasShape(shape: readonly (number | null)[]): string {
  const dims = shape.map((d) => (d === null ? 'None' : String(d)));
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
}

function shapesText(tensors: readonly TensorLike[]): string {
  if (tensors.length === 0) return '';
  if (tensors.length === 1) return formatKerasShape(tensors[0].shape);
  return `[${tensors.map((t) => formatKerasShape(t.shape)).join(', ')}]`;
}

/**
 * Reads a model's layer graph: every layer, the input layers in front, and an arrow for each
 * tensor passed between them inside this model.
 *
 * @throws DltsError `DLTS_VALUE` when `model` has no layers.
 * @example
 * ```ts
 * const graph = modelGraph(model); // {nodes: [{name: 'dense', className: 'Dense', ...}], edges: [...]}
 * ```
 */
export function modelGraph(model: ModelLike): ModelGraph {
  if (!model || typeof model !== 'object' || !Array.isArray(model.layers)) {
    throw new DltsError('DLTS_VALUE', `plotModel: model must be a model with layers (a @dlts/layers Model). Received: model=${received(model)}`);
  }
  if (model.layers.length === 0) throw new DltsError('DLTS_VALUE', `plotModel: the model "${model.name}" has no layers`);
  const inModel = new Set<LayerLike>(model.layers);
  const inputs: LayerLike[] = [];
  const addInput = (l: LayerLike) => {
    if (!inModel.has(l)) {
      inModel.add(l);
      inputs.push(l);
    }
  };
  for (const t of model.inputs ?? []) addInput(t.sourceLayer);
  // A sequential model lists no input layer: take the input layers its first calls read from.
  for (const layer of model.layers) {
    for (const node of layer.inboundNodes) for (const t of node.inputs) if (t.sourceLayer.className === 'InputLayer') addInput(t.sourceLayer);
  }
  const layers: LayerLike[] = [...inputs, ...(model.layers as readonly LayerLike[]).filter((l) => !inputs.includes(l))];
  const id = new Map(layers.map((l, i) => [l, i]));
  const edges: { from: number; to: number }[] = [];
  const nodes: ModelGraphNode[] = layers.map((layer, i) => {
    // The calls that belong to this model: all their inputs come from its layers.
    const calls = layer.inboundNodes.filter((n) => n.inputs.length > 0 && n.inputs.every((t) => inModel.has(t.sourceLayer)));
    for (const call of calls) for (const t of call.inputs) edges.push({ from: id.get(t.sourceLayer)!, to: i });
    const first = calls[0] ?? layer.inboundNodes[0];
    let params: number | undefined;
    try {
      params = layer.countParams?.();
    } catch {
      params = undefined;
    }
    return {
      id: i,
      name: layer.name,
      className: layer.className,
      inputShape: first ? shapesText(first.inputs.length > 0 ? first.inputs : first.outputs) : '?',
      outputShape: first ? shapesText(first.outputs) : '?',
      params,
      rank: 0,
    };
  });
  // Ranks: the longest path from an input (edges always point down).
  const preds = nodes.map(() => [] as number[]);
  for (const e of edges) preds[e.to].push(e.from);
  const rank = new Array<number>(nodes.length).fill(-1);
  const visiting = new Set<number>();
  const rankOf = (v: number): number => {
    if (rank[v] >= 0) return rank[v];
    if (visiting.has(v)) throw new DltsError('DLTS_VALUE', `plotModel: the layer graph of "${model.name}" has a cycle at "${nodes[v].name}"`);
    visiting.add(v);
    rank[v] = preds[v].length === 0 ? 0 : Math.max(...preds[v].map(rankOf)) + 1;
    visiting.delete(v);
    return rank[v];
  };
  nodes.forEach((n) => (n.rank = rankOf(n.id)));
  return { name: model.name, nodes, edges };
}

/** Layout of the boxes: ranks top to bottom, boxes ordered to limit crossings (barycentre sweeps). */
function layout(graph: ModelGraph): { x: number; y: number; w: number; h: number }[] {
  const charW = 6.6; // 11 pt DejaVu Sans, average advance
  const boxH = 52;
  const vGap = 34;
  const hGap = 24;
  const widths = graph.nodes.map((n) => Math.max(`${n.name} (${n.className})`.length * 7.2, `output: ${n.outputShape}`.length * charW, `input: ${n.inputShape}`.length * charW) + 20);
  const ranks: number[][] = [];
  for (const n of graph.nodes) (ranks[n.rank] ??= []).push(n.id);
  const preds = graph.nodes.map(() => [] as number[]);
  const succs = graph.nodes.map(() => [] as number[]);
  for (const e of graph.edges) {
    preds[e.to].push(e.from);
    succs[e.from].push(e.to);
  }
  const pos = new Map<number, number>();
  const setPos = () => ranks.forEach((r) => r?.forEach((v, i) => pos.set(v, i)));
  setPos();
  const bary = (v: number, nbrs: number[][]) => (nbrs[v].length === 0 ? pos.get(v)! : nbrs[v].reduce((a, u) => a + pos.get(u)!, 0) / nbrs[v].length);
  for (let sweep = 0; sweep < 4; sweep++) {
    for (let r = 1; r < ranks.length; r++) if (ranks[r]) ranks[r].sort((a, b) => bary(a, preds) - bary(b, preds));
    setPos();
    for (let r = ranks.length - 2; r >= 0; r--) if (ranks[r]) ranks[r].sort((a, b) => bary(a, succs) - bary(b, succs));
    setPos();
  }
  const boxes = graph.nodes.map(() => ({ x: 0, y: 0, w: 0, h: boxH }));
  ranks.forEach((r, level) => {
    if (!r) return;
    const total = r.reduce((a, v) => a + widths[v], 0) + hGap * (r.length - 1);
    let x = -total / 2;
    for (const v of r) {
      boxes[v] = { x, y: level * (boxH + vGap), w: widths[v], h: boxH };
      x += widths[v] + hGap;
    }
  });
  const minX = Math.min(...boxes.map((b) => b.x));
  for (const b of boxes) b.x -= minX - 10;
  for (const b of boxes) b.y += 10;
  return boxes;
}

/**
 * The Vega spec of the model diagram (see {@link plotModel}).
 *
 * @example
 * ```ts
 * const spec = modelSpec(model);
 * ```
 */
export function modelSpec(model: ModelLike): VegaSpec {
  const graph = modelGraph(model);
  const boxes = layout(graph);
  const width = Math.max(...boxes.map((b) => b.x + b.w)) + 10;
  const height = Math.max(...boxes.map((b) => b.y + b.h)) + 10;
  const nodes = graph.nodes.map((n, i) => ({
    ...n,
    ...boxes[i],
    cx: boxes[i].x + boxes[i].w / 2,
    title: `${n.name} (${n.className})`,
    input: `input: ${n.inputShape}`,
    output: `output: ${n.outputShape}`,
    fill: n.className === 'InputLayer' ? '#F2F2F2' : '#FFFFFF',
  }));
  const edges = graph.edges.map((e) => {
    const a = boxes[e.from];
    const b = boxes[e.to];
    return { from: graph.nodes[e.from].name, to: graph.nodes[e.to].name, sx: a.x + a.w / 2, sy: a.y + a.h, tx: b.x + b.w / 2, ty: b.y - 5 };
  });
  return {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    description: `plot_model(${graph.name}): ${graph.nodes.length} layers, ${graph.edges.length} connections`,
    width,
    height,
    padding: 5,
    background: 'white',
    data: [
      { name: 'nodes', values: nodes },
      { name: 'edges', values: edges, transform: [{ type: 'linkpath', sourceX: 'sx', sourceY: 'sy', targetX: 'tx', targetY: 'ty', orient: 'vertical', shape: 'diagonal' }] },
    ],
    marks: [
      { type: 'path', name: 'links', from: { data: 'edges' }, encode: { enter: { path: { field: 'path' }, stroke: { value: '#333333' }, strokeWidth: { value: 1.2 } } } },
      { type: 'symbol', name: 'arrows', from: { data: 'edges' }, encode: { enter: { x: { field: 'tx' }, y: { field: 'ty' }, shape: { value: 'triangle-down' }, size: { value: 40 }, fill: { value: '#333333' } } } },
      {
        type: 'rect',
        name: 'boxes',
        from: { data: 'nodes' },
        encode: { enter: { x: { field: 'x' }, y: { field: 'y' }, width: { field: 'w' }, height: { field: 'h' }, fill: { field: 'fill' }, stroke: { value: '#000000' }, strokeWidth: { value: 1 }, cornerRadius: { value: 2 } } },
      },
      ...(['title', 'input', 'output'] as const).map((line, i) => ({
        type: 'text',
        name: `label_${line}`,
        from: { data: 'nodes' },
        encode: {
          enter: {
            x: { field: 'cx' },
            y: { field: 'y', offset: 15 + i * 15 },
            text: { field: line },
            align: { value: 'center' },
            baseline: { value: 'middle' },
            font: { value: FONT },
            fontSize: { value: i === 0 ? 11 : 10 },
            fontWeight: { value: i === 0 ? 'bold' : 'normal' },
            fill: { value: i === 0 ? '#000000' : '#333333' },
          },
        },
      })),
    ],
  };
}

/**
 * Draws a model's layer graph, as Keras's `plot_model(model, show_shapes = TRUE)`: a box per layer
 * with its name, class, input and output shapes; arrows along the data flow; parallel branches
 * side by side (functional models with several inputs, outputs or merges work). Nested models
 * (a `conv_base` inside a sequential model) are one box.
 *
 * @param model - a `@dlts/layers` model (read structurally: `layers`, `inputs`, each layer's
 *   `name`, `className` and `inboundNodes`).
 * @param options - `file`: `.png`, `.svg` or `.html`.
 * @returns the absolute path written.
 * @throws DltsError `DLTS_VALUE` for a model without layers or a bad file name; `DLTS_IO` when the
 *   file cannot be written.
 * @example
 * ```ts
 * const network = sequential([dense({ units: 512, activation: 'relu', inputShape: [784] }), dense({ units: 10, activation: 'softmax' })]);
 * await plotModel(network, { file: 'model.png' });
 * ```
 */
export async function plotModel(model: ModelLike, options: RenderOptions & { file: string }): Promise<string> {
  pictureFormat(options?.file, 'plotModel');
  return writeVega(modelSpec(model), options?.file, 'plotModel', { pageTitle: `plot_model(${model?.name})`, ...options });
}
