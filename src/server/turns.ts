// Turns for work that holds the event loop for long: parsing a large body and judging what it
// holds. One request at a time, each turn starting on a fresh turn of the event loop (setImmediate),
// so between two large bodies the server reads and answers whatever small reviews arrived; and the
// turn pauses between the phases of its work (scan, parse, judge) to do the same, so a crowd of
// large bodies delays a normal review by one phase of one body's work, not by all of theirs.
import { setImmediate as nextLoopTurn } from 'node:timers/promises'

export interface Turn {
  /** Resolves when this turn comes. */
  wait(): Promise<void>
  /**
   * Lets the event loop serve pending I/O (small reviews) before the turn goes on; no other turn
   * starts meanwhile. Rejects with TurnEnded when the turn ended during the pause (the client went
   * away, and the next body already has the turn): its work must not go on outside a turn.
   */
  pause(): Promise<void>
  /** Ends the turn (or leaves the queue); idempotent. */
  end(): void
}

export class TurnEnded extends Error {
  constructor() {
    super('the connection closed while its large body was being read and judged')
  }
}

export class Turns {
  private busy = false
  private readonly queue: (() => void)[] = []

  turn(): Turn {
    let state: 'idle' | 'queued' | 'running' | 'ended' = 'idle'
    let start: (() => void) | undefined
    return {
      wait: () => {
        if (state !== 'idle') return Promise.reject(new Error(`turn already ${state}`))
        return new Promise<void>((resolve) => {
          start = () => {
            // Ended while its start was scheduled (the client went away): pass the turn on.
            if (state === 'ended') return this.pass()
            state = 'running'
            resolve()
          }
          state = 'queued'
          this.queue.push(start)
          this.next()
        })
      },
      pause: async () => {
        await nextLoopTurn()
        if (state !== 'running') throw new TurnEnded()
      },
      end: () => {
        const at = start ? this.queue.indexOf(start) : -1
        if (at >= 0) this.queue.splice(at, 1)
        const wasRunning = state === 'running'
        state = 'ended'
        if (wasRunning) this.pass()
      },
    }
  }

  private pass(): void {
    this.busy = false
    this.next()
  }

  private next(): void {
    if (this.busy) return
    const start = this.queue.shift()
    if (!start) return
    this.busy = true
    setImmediate(start)
  }
}
