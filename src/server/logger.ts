// pino, with serializers that keep secrets and content out: a request logs its method, path
// without the query string, and peer; never headers (tokens) or bodies.
import pino, { type Logger } from 'pino'
import type { LogLevel } from './config'

interface RequestLike {
  method?: string
  url?: string
  socket?: { remoteAddress?: string }
}

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      serializers: {
        req: (req: RequestLike) => ({
          method: req.method,
          path: req.url?.split('?')[0],
          remoteAddress: req.socket?.remoteAddress,
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
        err: pino.stdSerializers.err,
      },
    },
    destination,
  )
}
