// One group-commit batch of shard posts in one PostgreSQL transaction.
import type pg from 'pg'
import type { ItemOutcome } from './group-commit'
import { SHARD_COLUMNS, toShard, type ShardRow } from './sqlite-rows'
import type { NewShard, PostResult, ShardRecord } from './types'

export interface QueuedPost {
  readonly shard: NewShard
  readonly receivedAt: number
}

/** A concurrent transaction stored one of our ids first; the batch must run again. */
export class PostBatchRace extends Error {}

const UNIQUE_VIOLATION = '23505'

export function sameContent(stored: ShardRecord, shard: NewShard): boolean {
  return (
    stored.stream === shard.stream &&
    stored.body === shard.body &&
    stored.burnAt === shard.burnAt &&
    stored.signature === shard.signature
  )
}

/** Writes `posts` with `client` inside an open transaction; one outcome per post, in order. */
export async function writePostBatch(
  client: pg.PoolClient,
  posts: readonly QueuedPost[],
): Promise<ItemOutcome<PostResult>[]> {
  // 1. Lock the batch's streams in id order (so two instances' batches cannot deadlock); the
  //    head seqs read under the lock are current until we commit.
  const streamIds = [...new Set(posts.map((post) => post.shard.stream))].sort()
  const locked = await client.query<{ id: string; head_seq: number }>(
    'SELECT id, head_seq FROM streams WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE',
    [streamIds],
  )
  const heads = new Map(locked.rows.map((row) => [row.id, row.head_seq]))

  // 2. Ids stored before: their posts are retries (same content) or conflicts.
  const known = await client.query<ShardRow>(
    `SELECT ${SHARD_COLUMNS} FROM shards WHERE id = ANY($1::text[])`,
    [posts.map((post) => post.shard.id)],
  )
  const stored = new Map(known.rows.map((row) => [row.id, toShard(row)]))

  // 3. Assign seqs in arrival order; a second post of an id in this batch acts as a retry.
  const fresh: ShardRecord[] = []
  const results = posts.map(({ shard, receivedAt }): PostResult => {
    const earlier = stored.get(shard.id)
    if (earlier) {
      return sameContent(earlier, shard)
        ? { status: 'duplicate', shard: earlier }
        : { status: 'id_conflict' }
    }
    const head = heads.get(shard.stream)
    if (head === undefined) return { status: 'no_stream' }
    heads.set(shard.stream, head + 1)
    const record: ShardRecord = { ...shard, seq: head + 1, receivedAt }
    stored.set(shard.id, record)
    fresh.push(record)
    return { status: 'stored', shard: record }
  })
  if (fresh.length === 0) return results.map((value) => ({ ok: true, value }))

  // 4. Insert the new shards and move the heads, one statement each.
  try {
    await client.query(
      `INSERT INTO shards (${SHARD_COLUMNS})
        SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::bigint[],
          $6::bigint[], $7::text[])`,
      [
        fresh.map((s) => s.id),
        fresh.map((s) => s.stream),
        fresh.map((s) => s.seq),
        fresh.map((s) => s.body),
        fresh.map((s) => s.burnAt),
        fresh.map((s) => s.receivedAt),
        fresh.map((s) => s.signature),
      ],
    )
  } catch (error) {
    if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw new PostBatchRace()
    throw error
  }
  const touched = new Set(fresh.map((s) => s.stream))
  const moved = [...heads].filter(([id]) => touched.has(id))
  await client.query(
    `UPDATE streams SET head_seq = moved.head
      FROM unnest($1::text[], $2::bigint[]) AS moved (id, head) WHERE streams.id = moved.id`,
    [moved.map(([id]) => id), moved.map(([, head]) => head)],
  )
  return results.map((value) => ({ ok: true, value }))
}
