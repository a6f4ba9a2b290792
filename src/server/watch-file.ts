// Polls files for changes. Polling (fs.watchFile) rather than fs.watch because Kubernetes updates
// mounted Secrets and ConfigMaps by swapping a symlink, which inotify watches on the file miss.
import { type Stats, unwatchFile, watchFile } from 'node:fs'

export function watchFiles(paths: string[], intervalMs: number, onChange: (path: string) => void): () => void {
  const listeners = paths.map((path) => {
    const listener = (curr: Stats, prev: Stats): void => {
      if (curr.mtimeMs !== prev.mtimeMs || curr.size !== prev.size || curr.ino !== prev.ino) onChange(path)
    }
    watchFile(path, { interval: intervalMs, persistent: false }, listener)
    return { path, listener }
  })
  return () => {
    for (const { path, listener } of listeners) unwatchFile(path, listener)
  }
}
