// A lean JSON poster on kept-alive sockets: the load generator must cost far less than the
// server it measures (fetch's per-request overhead would dominate on two cores).
import http from 'node:http'

export interface PostReply {
  readonly status: number
  readonly body: string
}

export function createPoster(baseUrl: string, sockets: number) {
  const url = new URL(baseUrl)
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets })
  return {
    post(path: string, json: string, token?: string): Promise<PostReply> {
      return new Promise((resolve, reject) => {
        const request = http.request(
          {
            host: url.hostname,
            port: url.port,
            path,
            method: 'POST',
            agent,
            headers: {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(json),
              ...(token ? { authorization: `Bearer ${token}` } : {}),
            },
          },
          (response) => {
            let body = ''
            response.setEncoding('utf8')
            response.on('data', (chunk: string) => (body += chunk))
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
          },
        )
        request.on('error', reject)
        request.end(json)
      })
    },
    close: () => agent.destroy(),
  }
}
