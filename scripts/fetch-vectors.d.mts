// Types for scripts/fetch-vectors.mjs, so the TypeScript tests can import its helpers.
export interface ManifestEntry {
  name: string
  path: string
  bytes: number
  sha256: string
  kind: 'cavp-zip-member' | 'acvp-raw' | 'transcription'
  url: string
  member?: string
  repoCopy: string
  repoCompression?: 'gzip'
  repoBytes?: number
  repoSha256?: string
  origin: string
  license: string
}
export interface Manifest {
  description: string
  files: ManifestEntry[]
}
export interface VerifyResult {
  path: string
  ok: boolean
  reason?: string
}
export interface ZipEntry {
  name: string
  method: number
  flags: number
  crc32: number
  compressedSize: number
  size: number
  localOffset: number
}
export declare const REPO_ROOT: string
export declare const MANIFEST_PATH: string
export declare const REPO_VECTORS_DIR: string
export declare const CACHE_DIR: string
export declare function loadManifest(path?: string): Manifest
export declare function sha256Hex(bytes: Uint8Array): string
export declare function checkBytes(entry: ManifestEntry, bytes: Uint8Array): string | null
export declare function verifyDir(dir: string, manifest?: Manifest): VerifyResult[]
export declare function verifyRepo(manifest?: Manifest, repoVectorsDir?: string): VerifyResult[]
export declare function readRepoCopy(entry: ManifestEntry, repoVectorsDir?: string): Uint8Array
export declare function readVector(path: string, options?: { manifest?: Manifest; repoVectorsDir?: string }): Uint8Array
export declare function crc32(bytes: Uint8Array): number
export declare function listZip(zip: Uint8Array): ZipEntry[]
export declare function extractZipMember(zip: Uint8Array, name: string): Uint8Array
export declare function fetchVectors(options?: {
  cacheDir?: string
  manifest?: Manifest
  fetchImpl?: (url: string, init?: RequestInit) => Promise<Response>
  repoVectorsDir?: string
  log?: (line: string) => void
}): Promise<string[]>
