// Kubernetes resource quantities, just enough to compare two of them.
// A Map: the suffix comes from the input (`1constructor` must find nothing, not Object's).
const SUFFIXES = new Map<string, number>(Object.entries({
  m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
}))

/** The quantity as a number, or undefined when it is not one. */
function parseQuantity(quantity: string | number): number | undefined {
  const match = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)([a-zA-Z]*)$/.exec(String(quantity).trim())
  const factor = match ? SUFFIXES.get(match[2] ?? '') : undefined
  const value = match ? Number(match[1]) : NaN
  return factor === undefined || Number.isNaN(value) ? undefined : value * factor
}

/** The larger of two quantities (`fallback` when `quantity` is missing or unparsable). */
export function largerQuantity(quantity: string | undefined, fallback: string): string {
  if (quantity === undefined) return fallback
  const a = parseQuantity(quantity)
  const b = parseQuantity(fallback)
  return a !== undefined && b !== undefined && a > b ? String(quantity) : fallback
}
