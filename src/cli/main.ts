// store-admission CLI: check | mutate | serve | help | --version. Exit codes: 0 ok, 1 denied, 2 unusable input.
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { REQUEST_RULES, RULES } from '../pipeline/index.js'
import { VERSION } from '../version.js'
import { check } from './check.js'
import { processIO, UsageError, type CliIO } from './io.js'
import { mutateCommand } from './mutate.js'

const INPUT_HELP = `  -f, --file FILE|-          multi-document YAML (e.g. helm template output); - reads stdin
      --namespace-labels k=v,...  labels applied to every namespace (over Namespace documents)
  -n, --namespace NAME        namespace of objects without metadata.namespace (default: default)
      --policy FILE           policy YAML (default: the built-in default policy)
  -h, --help                  this help`

const HELP = {
  main: `store-admission ${VERSION}: admission webhook and CI checker for Bagisto store pods

usage: store-admission <command> [options]

commands:
  check    judge Pods and pod controllers in YAML as the pods they would become
  mutate   print the input with Pods and pod templates as the webhook would mutate them
  serve    run the HTTPS admission webhook (store-admission serve --help)
  help     this help

  --version  print the version
`,
  check: `usage: store-admission check -f FILE|- [--namespace-labels k=v,...] [-o text|json]

Judges every Pod and pod controller (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob)
in the input as the pod it would become: mutated as the webhook would, then validated.
Namespace labels come from Namespace documents in the input and --namespace-labels; objects in a
namespace without the store.platform.io/tenant label are not judged (a note goes to stderr).
PVCs, Secrets and ConfigMaps in the input answer the cross-tenant-reference lookups.

options:
${INPUT_HELP}
  -o, --output text|json      text: one line per violation, "DENY <Kind>/<name>: <rule>: <path>: <reason>"
                              (and WARN for rules in warn mode); json: {"results":[...]} with the
                              webhook's paths verbatim (templates: "<Kind>/<name>: spec.template...")

exit status: 0 nothing denied, 1 something denied, 2 unusable input

rules:
${RULES.map((r) => `  ${r.id.padEnd(24)}${r.summary}`).join('\n')}
rules on who asks (the webhook only; check has no requester):
${REQUEST_RULES.map((r) => `  ${r.id.padEnd(24)}${r.summary}`).join('\n')}
`,
  mutate: `usage: store-admission mutate -f FILE|- [--namespace-labels k=v,...]

Prints every input object as multi-document YAML: Pods as the mutating webhook leaves them, pod
controllers with their pod template replaced by the pod it would become, anything else unchanged.

options:
${INPUT_HELP}

exit status: 0 done, 2 unusable input
`,
}

const INPUT_OPTIONS = {
  file: { type: 'string', short: 'f' },
  'namespace-labels': { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  policy: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

function parse<const T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, command: string) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values
  } catch (err) {
    throw new UsageError(`${command}: ${err instanceof Error ? err.message : String(err)} (see store-admission ${command} --help)`)
  }
}

async function run(command: string | undefined, args: string[], io: CliIO): Promise<number> {
  switch (command) {
    case undefined: case 'help': case '--help': case '-h':
      io.stdout(HELP.main)
      return 0
    case '--version': case 'version':
      io.stdout(`${VERSION}\n`)
      return 0
    case 'check': {
      const values = parse(args, { ...INPUT_OPTIONS, output: { type: 'string', short: 'o', default: 'text' } }, 'check')
      if (values.help) { io.stdout(HELP.check); return 0 }
      if (values.output !== 'text' && values.output !== 'json') throw new UsageError(`check: -o must be text or json, not "${values.output}"`)
      return check(values, io)
    }
    case 'mutate': {
      const values = parse(args, INPUT_OPTIONS, 'mutate')
      if (values.help) { io.stdout(HELP.mutate); return 0 }
      return mutateCommand(values, io)
    }
    case 'serve': {
      // Loaded only when serving, so check/mutate stay light.
      const { serveCommand } = await import('../server/serve-command.js')
      return serveCommand(args)
    }
    default:
      throw new UsageError(`unknown command "${command}" (see store-admission --help)`)
  }
}

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [command, ...args] = argv
  try {
    return await run(command, args, io)
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    io.stderr(`store-admission: ${err.message}\n`)
    return 2
  }
}
