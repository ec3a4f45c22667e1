export interface WrapperTarget {
  readonly sub: string
  readonly file: string
  readonly cjs: string
  readonly esm: string
}
export function wrapperTargets(pkg: { exports: Record<string, unknown> }): WrapperTarget[]
export function wrapperSource(cjsFile: string, names: readonly string[]): string
export function writeNodeWrappers(root?: string): string[]
