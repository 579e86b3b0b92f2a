// The resumable-stream context (@fragment/redis-native/stream), on the app's one client.
import { after } from 'next/server'
import { createResumableStreamContext } from '@fragment/redis-native/stream'
import { redis } from './redis'

export const streamContext = createResumableStreamContext({ redis, waitUntil: after, keyPrefix: 'app:rs' })
