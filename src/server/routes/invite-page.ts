// GET /invite: the page an invite link (https://HOST/invite#CODE) opens in a browser. It hands
// the code to the desktop app through a paracord:// link; the code stays in the fragment, so
// neither this route nor its logs ever see it.
import { routePlugin } from './plugin'
import { INVITE_PAGE_CSP, INVITE_PAGE_HTML } from './invite-page-html'

export const INVITE_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': INVITE_PAGE_CSP,
  // The page's URL carries the invite: no Referer to anywhere, whatever a browser's default.
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
}

/** "/invite/" too: the app reads a link with the trailing slash as the same invite. */
const PATHS = ['/invite', '/invite/'] as const

export const invitePageRoutes = routePlugin((app) => {
  for (const path of PATHS)
    app.get(
      path,
      {
        // A constant page: nothing to protect, and everyone invited behind one address (an
        // office, a campus) must still see it.
        config: { rateLimit: false },
        // A page for people, not part of the API the OpenAPI document describes.
        schema: { hide: true },
      },
      (_request, reply) => reply.headers(INVITE_PAGE_HEADERS).send(INVITE_PAGE_HTML),
    )
})
