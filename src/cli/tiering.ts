// How much V8 optimizes during one run of the CLI. V8 recompiles code that runs often with its
// optimizing compiler (TurboFan), whose compile CPU pays back only over many objects: a `check`
// of 3,000 pods spends about a third of its CPU on it (0.90 s with it, 0.59 s without, same
// output), and breaks even near 7,000 pods. So a run of up to SHORT_RUN objects keeps the baseline
// compiler (Sparkplug); a longer one, or the webhook server, leaves V8 as it is.
import { setFlagsFromString } from 'node:v8'

export const SHORT_RUN = 5000

/** Called once the input is parsed, before any object is checked or judged. */
export function tierForRun(objects: number): void {
  if (objects <= SHORT_RUN) setFlagsFromString('--max-opt=1')
}
