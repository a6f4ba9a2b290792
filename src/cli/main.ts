// store-admission CLI: check | mutate | audit | serve | help | --version. Exit codes: 0 ok, 1 denied, 2 unusable input.
// Each command's modules are imported when it runs: start-up is most of a small check's time.
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { VERSION } from '../version.js'
import { FORMAT_NAMES, isFormatName } from './formats/names.js'
import { processIO, UsageError, type CliIO } from './io.js'

/** What --help lists of a rule. */
interface RuleSummary { id: string; summary: string }

const INPUT_HELP = `  -f, --file FILE|DIR|-       input: multi-document YAML or JSON (helm template, kubectl get -o yaml|json);
                              repeat it for more; a directory is read recursively for *.yaml, *.yml,
                              *.json; - reads stdin. List and *List documents are unwrapped
      --namespace-labels k=v,...  labels applied to every namespace (over Namespace documents)
  -n, --namespace NAME        namespace of objects without metadata.namespace (default: default)
      --policy FILE           policy YAML (default: the built-in default policy)
  -h, --help                  this help`

const NAMESPACES_HELP = `Namespace labels come from Namespace documents in the input and --namespace-labels. A CI check
never passes by judging nothing: an object in a namespace the input does not describe (no Namespace
document, no store.platform.io/tenant in --namespace-labels; helm template leaves most objects
without a namespace) is judged as in a store namespace by every rule but the tenant rules, which
need its tenant (a note on stderr says so). Only objects in a namespace the input shows is not a
store namespace (a Namespace document without the tenant label) pass unjudged.`

const HELP = {
  main: `store-admission ${VERSION}: admission webhook and CI checker for Bagisto store pods

usage: store-admission <command> [options]

commands:
  check    judge Pods and pod controllers in YAML as the pods they would become
  mutate   print the input with Pods and pod templates as the webhook would mutate them
  audit    judge what runs in a live cluster (Pods as stored, controllers' templates)
  serve    run the HTTPS admission webhook (store-admission serve --help)
  help     this help

  --version  print the version
`,
  check: (rules: readonly RuleSummary[], requestRules: readonly RuleSummary[]) => `usage: store-admission check -f FILE|DIR|- [-f ...] [--namespace-labels k=v,...]
                            [-o text|json|sarif|junit|github] [--allow-empty]

Judges every Pod and pod controller (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob)
in the input as the pod it would become: mutated as the webhook would, then validated.
${NAMESPACES_HELP}
PVCs, Secrets and ConfigMaps in the input answer the cross-tenant-reference lookups.

options:
${INPUT_HELP}
  -o, --output FORMAT         text (default): one line per finding,
                                "DENY <Kind>/<name>: <rule>: <path>: <reason>" (WARN for rules in warn mode)
                              json: {"results":[{kind,name,namespace,allowed,violations,warnings}]} with
                                the webhook's paths verbatim ("<Kind>/<name>: spec.template...")
                              sarif: SARIF 2.1.0 for code scanning, a result per finding at the chart
                                template named by helm's "# Source:" comment (else the input file)
                              junit: JUnit XML, a testcase per object, a failure per denial
                              github: GitHub Actions annotations (::error file=...,line=...,title=<rule>::...)
      --source-root DIR       directory the "# Source:" paths are relative to, so that sarif, junit
                              and github name repository files: helm prints <chart>/templates/x.yaml,
                              so for ./charts/bagisto pass --source-root charts
      --allow-empty           exit 0 when the input has no Pod or pod controller (default: exit 2,
                              "nothing to judge", so an empty render never passes)

exit status: 0 nothing denied, 1 something denied, 2 unusable input or nothing to judge
(the message names the file, document and field)

rules:
${rules.map((r) => `  ${r.id.padEnd(24)}${r.summary}`).join('\n')}
rules on the request, judged by the webhook only (check has no requester and judges no Ingress):
${requestRules.map((r) => `  ${r.id.padEnd(24)}${r.summary}`).join('\n')}
`,
  audit: `usage: store-admission audit [--kubeconfig F] [-n NS] [--policy F] [-o FORMAT]

Judges what runs in the store namespaces of a live cluster, as the webhook would: Pods as stored,
by every rule (CREATE semantics: what runs is what was stored, so a pod admitted before a policy
change, or before its namespace became a store namespace, is judged now); Deployments,
StatefulSets, DaemonSets, CronJobs, and ReplicaSets and Jobs no listed Deployment or CronJob
controls, as the pod their template becomes. Pods that have ended (Succeeded, Failed) are skipped.
The policy's exceptions apply; expired ones are ignored and noted on stderr.
Reads one paginated list per kind (Namespaces, PVCs, Secrets and ConfigMaps as metadata only);
progress goes to stderr when that takes over a second.

options:
      --kubeconfig F          kubeconfig (default: $KUBECONFIG, ~/.kube/config, or in-cluster)
  -n, --namespace NS          only this namespace (default: every namespace)
      --policy FILE           policy YAML (default: the built-in default policy)
  -o, --output FORMAT         any format of check (${FORMAT_NAMES.join(', ')}), or policyreport:
                              the PolicyReports (wgpolicyk8s.io/v1alpha2) the server's audit would write
  -h, --help                  this help

exit status: 0 nothing violates, 1 something violates (would be denied now), 2 unusable input
`,
  mutate: `usage: store-admission mutate -f FILE|DIR|- [-f ...] [--namespace-labels k=v,...]

Prints every input object as multi-document YAML: Pods as the mutating webhook leaves them, pod
controllers with their pod template replaced by the pod it would become, anything else unchanged.
${NAMESPACES_HELP}

options:
${INPUT_HELP}

exit status: 0 done, 2 unusable input
`,
}

const INPUT_OPTIONS = {
  file: { type: 'string', short: 'f', multiple: true },
  'namespace-labels': { type: 'string' },
  namespace: { type: 'string', short: 'n', default: 'default' },
  policy: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

const CHECK_OPTIONS = {
  ...INPUT_OPTIONS,
  output: { type: 'string', short: 'o', default: 'text' },
  'source-root': { type: 'string' },
  'allow-empty': { type: 'boolean' },
} as const

const AUDIT_OPTIONS = {
  kubeconfig: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  policy: { type: 'string' },
  output: { type: 'string', short: 'o', default: 'text' },
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
      const values = parse(args, CHECK_OPTIONS, 'check')
      if (values.help) {
        const { RULES, REQUEST_RULES } = await import('../pipeline/index.js')
        io.stdout(HELP.check(RULES, REQUEST_RULES))
        return 0
      }
      const output = values.output
      if (!isFormatName(output)) throw new UsageError(`check: -o must be one of ${FORMAT_NAMES.join(', ')}, not "${output}"`)
      const { check } = await import('./check.js')
      return check({ ...values, output }, io)
    }
    case 'mutate': {
      const values = parse(args, INPUT_OPTIONS, 'mutate')
      if (values.help) { io.stdout(HELP.mutate); return 0 }
      const { mutateCommand } = await import('./mutate.js')
      return mutateCommand(values, io)
    }
    case 'audit': {
      const values = parse(args, AUDIT_OPTIONS, 'audit')
      if (values.help) { io.stdout(HELP.audit); return 0 }
      const output = values.output
      if (output !== 'policyreport' && !isFormatName(output)) {
        throw new UsageError(`audit: -o must be one of ${[...FORMAT_NAMES, 'policyreport'].join(', ')}, not "${output}"`)
      }
      const { auditCommand } = await import('./audit.js')
      return auditCommand({ ...values, output }, io)
    }
    case 'serve': {
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
