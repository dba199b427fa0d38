export function nodeBuildIsStale(): Promise<boolean>
export function buildNodeIfStale(): Promise<boolean>
export const RENDERER_DIR: string
export function rendererBuildIsStale(outDir?: string): Promise<boolean>
export function buildRendererIfStale(options?: {
  outDir?: string
  onWait?: () => void
  onBuild?: () => void
}): Promise<boolean>
