// What the release build (build/dist-plan.mjs) records in the main process's bundle: electron-vite
// replaces import.meta.env.MAIN_VITE_* with the values set while building. Absent otherwise.
interface ImportMetaEnv {
  readonly MAIN_VITE_PARACORD_RELEASE?: string
  readonly MAIN_VITE_PARACORD_UPDATE_URL?: string
}

interface ImportMeta {
  readonly env: ImportMetaEnv
}
