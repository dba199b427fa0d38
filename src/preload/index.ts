// The preload exposes the typed ParacordApi and nothing else (wired by the client-core issue).
export {}
