import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import protobuf from 'protobufjs/minimal.js';

const { Reader } = protobuf;
type Reader = protobuf.Reader;
import { InputError } from '../core/errors.js';
import { ROOT } from './paths.js';

/**
 * Reads and writes the bundled static embedder's ONNX graph (a model2vec model wrapped for
 * transformers.js): Gather(embeddings_int8, input_ids) -> Cast -> Mul(scale) -> Mul(mask).
 * The sentence vector is the mean of the token rows; the token table is int8 with one scale.
 *
 * A tuned table has the same shape and dtype, so the new model is the original file with
 * the bytes of two initializers (the int8 table and the float scale) overwritten in place:
 * every length prefix and every other field stay as they are. The file is walked with
 * protobufjs's wire-format Reader (field numbers from onnx.proto); onnxruntime-web's
 * generated ONNX schema module is not exported by its package, and a partial schema would
 * drop the fields it does not name on re-encoding.
 */

// onnx.proto field numbers.
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_INITIALIZER = 5;
const NODE_INPUT = 1;
const NODE_OUTPUT = 2;
const NODE_OP_TYPE = 4;
const TENSOR_DIMS = 1;
const TENSOR_DATA_TYPE = 2;
const TENSOR_NAME = 8;
const TENSOR_RAW_DATA = 9;
const WIRE_LEN = 2;

interface NodeInfo {
  opType: string;
  input: string[];
  output: string[];
}
interface TensorInfo {
  name: string;
  dataType: number;
  dims: number[];
  /** Byte range of raw_data in the file. */
  rawStart: number;
  rawEnd: number;
}

/** Calls `onField(fieldNumber, reader)` for each field of the message in [start, end); the callback must consume it or return false. */
function fields(r: Reader, end: number, onField: (field: number, wire: number) => boolean): void {
  while (r.pos < end) {
    const tag = r.uint32();
    if (!onField(tag >>> 3, tag & 7)) r.skipType(tag & 7);
  }
}

function parseGraph(bytes: Uint8Array): { nodes: NodeInfo[]; tensors: TensorInfo[] } {
  const r = Reader.create(bytes);
  const nodes: NodeInfo[] = [];
  const tensors: TensorInfo[] = [];
  fields(r, bytes.length, (f, w) => {
    if (f !== MODEL_GRAPH || w !== WIRE_LEN) return false;
    const gEnd = r.uint32() + r.pos;
    fields(r, gEnd, (gf, gw) => {
      if (gw !== WIRE_LEN || (gf !== GRAPH_NODE && gf !== GRAPH_INITIALIZER)) return false;
      const end = r.uint32() + r.pos;
      if (gf === GRAPH_NODE) {
        const n: NodeInfo = { opType: '', input: [], output: [] };
        fields(r, end, (nf) => {
          if (nf === NODE_INPUT) n.input.push(r.string());
          else if (nf === NODE_OUTPUT) n.output.push(r.string());
          else if (nf === NODE_OP_TYPE) n.opType = r.string();
          else return false;
          return true;
        });
        nodes.push(n);
      } else {
        const t: TensorInfo = { name: '', dataType: 0, dims: [], rawStart: -1, rawEnd: -1 };
        fields(r, end, (tf, tw) => {
          if (tf === TENSOR_DIMS && tw === WIRE_LEN) {
            const e = r.uint32() + r.pos; // packed
            while (r.pos < e) t.dims.push(Number(r.int64()));
          } else if (tf === TENSOR_DIMS) t.dims.push(Number(r.int64()));
          else if (tf === TENSOR_DATA_TYPE) t.dataType = r.int32();
          else if (tf === TENSOR_NAME) t.name = r.string();
          else if (tf === TENSOR_RAW_DATA) {
            const len = r.uint32();
            t.rawStart = r.pos;
            t.rawEnd = r.pos + len;
            r.skip(len);
          } else return false;
          return true;
        });
        tensors.push(t);
      }
      return true;
    });
    return true;
  });
  return { nodes, tensors };
}

const ONNX_INT8 = 3;
const ONNX_FLOAT = 1;
export const STATIC_MODEL_FILE = join('onnx', 'model.onnx');

function locate(bytes: Uint8Array, file: string): { table: TensorInfo; scale: TensorInfo; vocab: number; dim: number } {
  const g = parseGraph(bytes);
  const gather = g.nodes.find((n) => n.opType === 'Gather');
  const init = (name: string) => g.tensors.find((t) => t.name === name);
  const table = gather ? init(gather.input[0]) : undefined;
  if (!gather || !table || table.dataType !== ONNX_INT8 || table.dims.length !== 2 || gather.input[1] !== 'input_ids') {
    throw new InputError(file, 'not a static token-embedding model: expected Gather(<int8 [vocab, dim] table>, input_ids)');
  }
  const [vocab, dim] = table.dims;
  if (table.rawEnd - table.rawStart !== vocab * dim) throw new InputError(file, `the token table holds ${table.rawEnd - table.rawStart} bytes, not ${vocab} x ${dim}`);
  // The scale is the scalar float initializer multiplied into the gathered rows.
  const cast = g.nodes.find((n) => n.opType === 'Cast' && n.input[0] === gather.output[0]);
  const mul = cast && g.nodes.find((n) => n.opType === 'Mul' && n.input.includes(cast.output[0]));
  const scaleName = mul?.input.find((x) => x !== cast?.output[0]);
  const scale = scaleName ? init(scaleName) : undefined;
  if (!scale || scale.dataType !== ONNX_FLOAT || scale.rawEnd - scale.rawStart !== 4) {
    throw new InputError(file, 'not a static token-embedding model: expected Mul(Cast(gathered rows), <float scale>)');
  }
  return { table, scale, vocab, dim };
}

function readModelFile(modelDir: string): { bytes: Uint8Array; file: string } {
  const path = join(modelDir, STATIC_MODEL_FILE);
  const file = relative(ROOT, path) || path;
  if (!existsSync(path)) throw new InputError(file, 'not found');
  return { bytes: new Uint8Array(readFileSync(path)), file };
}

export interface StaticTable {
  readonly vocab: number;
  readonly dim: number;
  /** Dequantised token table, [vocab, dim] row-major. */
  readonly table: Float32Array;
  readonly scale: number;
}

export function readStaticModel(modelDir: string): StaticTable {
  const { bytes, file } = readModelFile(modelDir);
  const { table, scale, vocab, dim } = locate(bytes, file);
  const s = new DataView(bytes.buffer, bytes.byteOffset + scale.rawStart, 4).getFloat32(0, true);
  const q = new Int8Array(bytes.buffer, bytes.byteOffset + table.rawStart, vocab * dim);
  const out = new Float32Array(vocab * dim);
  for (let i = 0; i < out.length; i++) out[i] = q[i] * s;
  return { vocab, dim, table: out, scale: s };
}

/**
 * Symmetric per-tensor int8, as the original: the scale is kept unless a value no longer
 * fits (then max|x| / 127), so rows that were not changed stay bit-identical.
 */
export function quantizeTable(table: Float32Array, originalScale: number): { q: Int8Array; scale: number } {
  let max = 0;
  for (let i = 0; i < table.length; i++) max = Math.max(max, Math.abs(table[i]));
  const scale = Math.max(originalScale, max / 127);
  const q = new Int8Array(table.length);
  for (let i = 0; i < table.length; i++) q[i] = Math.max(-127, Math.min(127, Math.round(table[i] / scale)));
  return { q, scale };
}

function copyTree(src: string, dst: string, skip: string): void {
  mkdirSync(dst, { recursive: true });
  for (const name of readdirSync(src)) {
    const from = join(src, name);
    const to = join(dst, name);
    if (from === skip) continue;
    if (statSync(from).isDirectory()) copyTree(from, to, skip);
    else copyFileSync(from, to);
  }
}

/**
 * Writes a transformers.js model folder: a copy of `srcDir` (tokenizer, configs) whose
 * onnx/model.onnx holds `table` ([vocab, dim], quantised to int8) instead of the original.
 * Returns the bytes of the new model.onnx and the scale it uses.
 */
export function writeStaticModel(srcDir: string, dstDir: string, table: Float32Array, extra: Record<string, string> = {}): { bytes: number; scale: number } {
  const { bytes, file } = readModelFile(srcDir);
  const t = locate(bytes, file);
  if (table.length !== t.vocab * t.dim) throw new Error(`token table has ${table.length} values, the model needs ${t.vocab} x ${t.dim}`);
  const original = new DataView(bytes.buffer, bytes.byteOffset + t.scale.rawStart, 4).getFloat32(0, true);
  const { q, scale } = quantizeTable(table, original);
  const out = bytes.slice();
  out.set(new Uint8Array(q.buffer), t.table.rawStart);
  new DataView(out.buffer, t.scale.rawStart, 4).setFloat32(0, scale, true);
  copyTree(srcDir, dstDir, join(srcDir, STATIC_MODEL_FILE));
  mkdirSync(join(dstDir, 'onnx'), { recursive: true });
  writeFileSync(join(dstDir, STATIC_MODEL_FILE), out);
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dstDir, name), text);
  return { bytes: out.byteLength, scale };
}
