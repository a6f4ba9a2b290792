// A budget of request-body bytes in flight. A request waits (its body unread) until its bytes fit,
// so a crowd of large bodies is read a few at a time: memory stays bounded and small reviews, which
// fit at once, are not queued behind them. One request is always let in, however large.
export class ByteBudget {
  private used = 0
  private inFlight = 0
  private readonly waiting = new Set<{ bytes: number; admit: () => void }>()

  constructor(private readonly limit: number) {}

  /** Resolves with a release function once `bytes` fit; rejects after `timeoutMs`. */
  acquire(bytes: number, timeoutMs: number): Promise<() => void> {
    if (this.fits(bytes)) return Promise.resolve(this.take(bytes))
    return new Promise((resolve, reject) => {
      const entry = {
        bytes,
        admit: () => {
          clearTimeout(timer)
          this.waiting.delete(entry)
          resolve(this.take(bytes))
        },
      }
      const timer = setTimeout(() => {
        this.waiting.delete(entry)
        reject(new Error(`request bodies of ${this.used} bytes already in flight; this one (${bytes} bytes) waited ${timeoutMs} ms`))
      }, timeoutMs)
      this.waiting.add(entry)
    })
  }

  private fits(bytes: number): boolean {
    return this.inFlight === 0 || this.used + bytes <= this.limit
  }

  private take(bytes: number): () => void {
    this.used += bytes
    this.inFlight++
    let released = false
    return () => {
      if (released) return
      released = true
      this.used -= bytes
      this.inFlight--
      for (const w of this.waiting) if (this.fits(w.bytes)) w.admit()
    }
  }
}
