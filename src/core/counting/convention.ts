/** The counting convention in words: shown by `--help`, the inspect report and the UI. */
export const COUNTING_CONVENTION = [
  'MAC = one multiply-accumulate; FLOPs = 2 x MACs. Batch 1 unless --input-shape says otherwise.',
  'MACs count Conv, ConvTranspose, Gemm, MatMul, LSTM, GRU, RNN only:',
  '  Conv: K_out * (C_in / group) * prod(kernel) * prod(out_spatial)',
  '  ConvTranspose: C_in * (K_out / group) * prod(kernel) * prod(in_spatial) (input-based, as fvcore;',
  '    --conv-transpose onnx-tool counts K_out * (C_in / group) * prod(kernel) * prod(out_spatial))',
  '  Gemm / MatMul: M * K * N (times batch dims); LSTM/GRU/RNN: per-step gate matmuls x sequence length.',
  'Other ops (never mixed into MACs): one op per output element, per op type: bias adds ("Bias"),',
  '  normalisations, activations, pooling, elementwise, reductions, Softmax. Data movement',
  '  (Reshape, Transpose, Concat, Gather, Shape, Pad, ...) counts nothing.',
  'Params: element count of every initializer, each counted once (as Python onnx reports for the file).',
].join('\n');
