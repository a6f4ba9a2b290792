// The output format names, apart from the formats themselves: the command line checks -o without
// loading them (and the pipeline the sarif format names its rules from).
export const FORMAT_NAMES = ['text', 'json', 'sarif', 'junit', 'github'] as const
export type FormatName = typeof FORMAT_NAMES[number]
export const isFormatName = (name: string): name is FormatName => (FORMAT_NAMES as readonly string[]).includes(name)
