// Regenerates src/core/onnx/onnxSchema.json from src/core/onnx/onnx.proto
// (ONNX 1.12, Apache-2.0). The JSON descriptor lets the runtime use
// protobufjs/light (no .proto parser, no file read at run time).
import protobuf from 'protobufjs';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const dir = path.resolve(import.meta.dirname, '../src/core/onnx');
const parsed = protobuf.parse(readFileSync(path.join(dir, 'onnx.proto'), 'utf8'), { keepCase: true });
writeFileSync(path.join(dir, 'onnxSchema.json'), JSON.stringify(parsed.root.toJSON()) + '\n');
console.log('wrote onnxSchema.json');
