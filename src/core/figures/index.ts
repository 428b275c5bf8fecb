/** Figure builders shared by the webviews and the HTML report (pure: results in, Plotly specs out). */
export * from './types';
export * from './raster';
export * from './maps';
export * from './filters';
export * from './flops';
export * from './latency';
export * from './robustness';
export * from './overview';
export * from './compare';
export * from './paretoFront';
export * from './pareto';
