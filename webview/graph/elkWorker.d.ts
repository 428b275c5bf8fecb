/** Types of elkjs's in-page worker stand-in (the package declares none for the minified file). */
declare module 'elkjs/lib/elk-worker.min.js' {
  /** Runs ELK in the calling thread behind the Worker interface. */
  export const Worker: new (url?: string) => Worker;
}
