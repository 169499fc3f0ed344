import type * as tf from '@tensorflow/tfjs-core';
import { DltsError } from '@dlts/tensors';
import { isShapeList, type CallOptions, type Layer, type Node } from './layer';
import type { Shape } from './shape';
import type { SymbolicTensor } from './symbolic';

/** The nodes between a model's inputs and outputs, in an order where every node follows its inputs. */
export interface Graph {
  readonly nodes: Node[];
  readonly layers: Layer[];
}

/**
 * Collects the graph from `outputs` back to `inputs` (a depth-first, post-order walk), and checks
 * that every path ends at one of `inputs`.
 *
 * @throws DltsError `DLTS_VALUE` "Graph disconnected" when an output needs an input not given.
 */
export function buildGraph(inputs: SymbolicTensor[], outputs: SymbolicTensor[]): Graph {
  const inputIds = new Set(inputs.map((t) => t.id));
  const nodes: Node[] = [];
  const visited = new Set<Node>();
  const onPath = new Set<Node>();
  const reached: string[] = [];

  const visit = (tensor: SymbolicTensor): void => {
    const node = tensor.sourceLayer.inboundNodes[tensor.nodeIndex];
    if (visited.has(node)) return;
    if (onPath.has(node)) throw new DltsError('DLTS_VALUE', `model: the graph has a cycle at layer "${node.layer.name}"`);
    if (!inputIds.has(tensor.id)) {
      if (node.inputs.length === 0) {
        throw new DltsError(
          'DLTS_VALUE',
          `model: Graph disconnected: cannot obtain value for tensor "${tensor.name}" at layer "${tensor.sourceLayer.name}". ` +
            `The following previous layers were accessed without issue: [${reached.map((n) => `"${n}"`).join(', ')}]`,
        );
      }
      onPath.add(node);
      for (const x of node.inputs) visit(x);
      onPath.delete(node);
    }
    visited.add(node);
    nodes.push(node);
    reached.push(node.layer.name);
  };
  for (const x of inputs) visit(x);
  for (const y of outputs) visit(y);

  const layers: Layer[] = [];
  for (const node of nodes) if (!layers.includes(node.layer)) layers.push(node.layer);
  const names = new Set<string>();
  for (const layer of layers) {
    if (names.has(layer.name)) {
      throw new DltsError('DLTS_VALUE', `model: the name "${layer.name}" is used by two layers; layer names must be unique in a model`);
    }
    names.add(layer.name);
  }
  return { nodes, layers };
}

/**
 * Runs the graph on real tensors. Returns the values of `outputs`. Intermediate tensors are left
 * for the caller's `tf.tidy` to free.
 */
export function runGraph(
  graph: Graph,
  inputs: SymbolicTensor[],
  outputs: SymbolicTensor[],
  values: tf.Tensor[],
  options: CallOptions,
): tf.Tensor[] {
  const known = new Map<number, tf.Tensor>();
  inputs.forEach((s, i) => known.set(s.id, values[i]));
  for (const node of graph.nodes) {
    if (node.outputs.every((o) => known.has(o.id))) continue;
    const args = node.inputs.map((s) => {
      const v = known.get(s.id);
      if (!v) throw new DltsError('DLTS_VALUE', `model: no value for "${s.name}" needed by layer "${node.layer.name}"`);
      return v;
    });
    const result = node.layer.apply((node.inputIsList ? args : args[0]) as tf.Tensor | tf.Tensor[], options) as tf.Tensor | tf.Tensor[];
    const list = Array.isArray(result) ? result : [result];
    node.outputs.forEach((o, i) => known.set(o.id, list[i]));
  }
  return outputs.map((o) => known.get(o.id)!);
}

/** Propagates shapes through the graph (for a model called as a layer on new symbolic inputs). */
export function inferGraphShapes(graph: Graph, inputs: SymbolicTensor[], outputs: SymbolicTensor[], shapes: Shape[]): Shape[] {
  const known = new Map<number, Shape>();
  inputs.forEach((s, i) => known.set(s.id, shapes[i]));
  for (const node of graph.nodes) {
    if (node.outputs.every((o) => known.has(o.id))) continue;
    const args = node.inputs.map((s) => known.get(s.id)!);
    const out = node.layer.computeOutputShape(node.inputIsList ? args : args[0]);
    const list = isShapeList(out) ? out : [out];
    node.outputs.forEach((o, i) => known.set(o.id, list[i]));
  }
  return outputs.map((o) => known.get(o.id)!);
}
