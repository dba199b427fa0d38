export function nodeBuildIsStale(): Promise<boolean>
export function buildNodeIfStale(): Promise<boolean>
