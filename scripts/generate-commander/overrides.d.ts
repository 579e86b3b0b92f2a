// Hand-kept signatures for the commands with precise typings. scripts/generate-commander merges
// them with the command table (@ioredis/commands, through lib/commands.js) into index.d.ts's
// RedisCommander: a command listed here gets exactly these members (plus an untyped `…Buffer`
// variant when none is given); every other command gets an untyped pair. Not compiled on its own:
// the names it uses (Reply, Num, RedisKey, …) are declared in index.d.ts.
//
// Edit this file, then `npm run generate:types`; __test__/types.test.js fails while index.d.ts is
// stale. Section comments here are for readers of this file and are not copied.
interface RedisCommander<K extends ClientContext = 'promise'> {
  // ---- strings and keys ---------------------------------------------------------------------

  /** GET: the value, or `null` when the key does not exist. */
  get(key: RedisKey, callback?: Callback<string | null>): Reply<string | null, K, this>
  getBuffer(key: RedisKey, callback?: Callback<Buffer | null>): Reply<Buffer | null, K, this>

  /** SET: `'OK'`; `null` when an NX/XX/IFEQ… condition was not met; with GET, the old value. */
  set(key: RedisKey, value: RedisValue, callback?: Callback<'OK'>): Reply<'OK', K, this>
  set(
    key: RedisKey,
    value: RedisValue,
    expiryToken: ExpiryToken,
    time: Num,
    callback?: Callback<'OK'>,
  ): Reply<'OK', K, this>
  set(key: RedisKey, value: RedisValue, keepttl: 'KEEPTTL', callback?: Callback<'OK'>): Reply<'OK', K, this>
  set(
    key: RedisKey,
    value: RedisValue,
    condition: 'NX' | 'XX',
    callback?: Callback<'OK' | null>,
  ): Reply<'OK' | null, K, this>
  set(
    key: RedisKey,
    value: RedisValue,
    expiryToken: ExpiryToken,
    time: Num,
    condition: 'NX' | 'XX',
    callback?: Callback<'OK' | null>,
  ): Reply<'OK' | null, K, this>
  set(
    key: RedisKey,
    value: RedisValue,
    condition: 'NX' | 'XX',
    expiryToken: ExpiryToken,
    time: Num,
    callback?: Callback<'OK' | null>,
  ): Reply<'OK' | null, K, this>
  set(
    key: RedisKey,
    value: RedisValue,
    keepttl: 'KEEPTTL',
    condition: 'NX' | 'XX',
    callback?: Callback<'OK' | null>,
  ): Reply<'OK' | null, K, this>
  set(
    key: RedisKey,
    value: RedisValue,
    compareToken: CompareToken,
    comparand: RedisValue,
    callback?: Callback<'OK' | null>,
  ): Reply<'OK' | null, K, this>
  set(
    key: RedisKey,
    value: RedisValue,
    expiryToken: ExpiryToken,
    time: Num,
    compareToken: CompareToken,
    comparand: RedisValue,
    callback?: Callback<'OK' | null>,
  ): Reply<'OK' | null, K, this>
  set(
    key: RedisKey,
    value: RedisValue,
    keepttl: 'KEEPTTL',
    compareToken: CompareToken,
    comparand: RedisValue,
    callback?: Callback<'OK' | null>,
  ): Reply<'OK' | null, K, this>
  set(key: RedisKey, value: RedisValue, get: 'GET', callback?: Callback<string | null>): Reply<string | null, K, this>
  set(
    key: RedisKey,
    value: RedisValue,
    expiryToken: ExpiryToken,
    time: Num,
    get: 'GET',
    callback?: Callback<string | null>,
  ): Reply<string | null, K, this>
  set(
    key: RedisKey,
    value: RedisValue,
    keepttl: 'KEEPTTL',
    get: 'GET',
    callback?: Callback<string | null>,
  ): Reply<string | null, K, this>
  set(
    key: RedisKey,
    value: RedisValue,
    condition: 'NX' | 'XX',
    get: 'GET',
    callback?: Callback<string | null>,
  ): Reply<string | null, K, this>
  set(
    key: RedisKey,
    value: RedisValue,
    expiryToken: ExpiryToken,
    time: Num,
    condition: 'NX' | 'XX',
    get: 'GET',
    callback?: Callback<string | null>,
  ): Reply<string | null, K, this>
  set(
    key: RedisKey,
    value: RedisValue,
    keepttl: 'KEEPTTL',
    condition: 'NX' | 'XX',
    get: 'GET',
    callback?: Callback<string | null>,
  ): Reply<string | null, K, this>
  set(
    key: RedisKey,
    value: RedisValue,
    compareToken: CompareToken,
    comparand: RedisValue,
    get: 'GET',
    callback?: Callback<string | null>,
  ): Reply<string | null, K, this>
  set(
    key: RedisKey,
    value: RedisValue,
    expiryToken: ExpiryToken,
    time: Num,
    compareToken: CompareToken,
    comparand: RedisValue,
    get: 'GET',
    callback?: Callback<string | null>,
  ): Reply<string | null, K, this>
  set(
    key: RedisKey,
    value: RedisValue,
    keepttl: 'KEEPTTL',
    compareToken: CompareToken,
    comparand: RedisValue,
    get: 'GET',
    callback?: Callback<string | null>,
  ): Reply<string | null, K, this>
  /** SET … GET with the old value as a Buffer. */
  setBuffer(
    key: RedisKey,
    value: RedisValue,
    get: 'GET',
    callback?: Callback<Buffer | null>,
  ): Reply<Buffer | null, K, this>
  setBuffer(
    key: RedisKey,
    value: RedisValue,
    expiryToken: ExpiryToken,
    time: Num,
    get: 'GET',
    callback?: Callback<Buffer | null>,
  ): Reply<Buffer | null, K, this>
  setBuffer(
    key: RedisKey,
    value: RedisValue,
    keepttl: 'KEEPTTL',
    get: 'GET',
    callback?: Callback<Buffer | null>,
  ): Reply<Buffer | null, K, this>
  setBuffer(
    key: RedisKey,
    value: RedisValue,
    condition: 'NX' | 'XX',
    get: 'GET',
    callback?: Callback<Buffer | null>,
  ): Reply<Buffer | null, K, this>
  setBuffer(
    key: RedisKey,
    value: RedisValue,
    expiryToken: ExpiryToken,
    time: Num,
    condition: 'NX' | 'XX',
    get: 'GET',
    callback?: Callback<Buffer | null>,
  ): Reply<Buffer | null, K, this>
  setBuffer(
    key: RedisKey,
    value: RedisValue,
    keepttl: 'KEEPTTL',
    condition: 'NX' | 'XX',
    get: 'GET',
    callback?: Callback<Buffer | null>,
  ): Reply<Buffer | null, K, this>
  setBuffer(
    key: RedisKey,
    value: RedisValue,
    compareToken: CompareToken,
    comparand: RedisValue,
    get: 'GET',
    callback?: Callback<Buffer | null>,
  ): Reply<Buffer | null, K, this>
  setBuffer(
    key: RedisKey,
    value: RedisValue,
    expiryToken: ExpiryToken,
    time: Num,
    compareToken: CompareToken,
    comparand: RedisValue,
    get: 'GET',
    callback?: Callback<Buffer | null>,
  ): Reply<Buffer | null, K, this>
  setBuffer(
    key: RedisKey,
    value: RedisValue,
    keepttl: 'KEEPTTL',
    compareToken: CompareToken,
    comparand: RedisValue,
    get: 'GET',
    callback?: Callback<Buffer | null>,
  ): Reply<Buffer | null, K, this>

  /** SETNX: 1 when set, 0 when the key existed. */
  setnx(key: RedisKey, value: RedisValue, callback?: Callback<number>): Reply<number, K, this>
  setex(key: RedisKey, seconds: Num, value: RedisValue, callback?: Callback<'OK'>): Reply<'OK', K, this>
  psetex(key: RedisKey, milliseconds: Num, value: RedisValue, callback?: Callback<'OK'>): Reply<'OK', K, this>
  getset(key: RedisKey, value: RedisValue, callback?: Callback<string | null>): Reply<string | null, K, this>
  getsetBuffer(key: RedisKey, value: RedisValue, callback?: Callback<Buffer | null>): Reply<Buffer | null, K, this>
  getdel(key: RedisKey, callback?: Callback<string | null>): Reply<string | null, K, this>
  getdelBuffer(key: RedisKey, callback?: Callback<Buffer | null>): Reply<Buffer | null, K, this>
  /** GETEX: the value (or `null`), optionally changing its expiry. */
  getex(key: RedisKey, callback?: Callback<string | null>): Reply<string | null, K, this>
  getex(
    key: RedisKey,
    expiryToken: ExpiryToken,
    time: Num,
    callback?: Callback<string | null>,
  ): Reply<string | null, K, this>
  getex(key: RedisKey, persist: 'PERSIST', callback?: Callback<string | null>): Reply<string | null, K, this>
  getexBuffer(key: RedisKey, callback?: Callback<Buffer | null>): Reply<Buffer | null, K, this>
  getexBuffer(
    key: RedisKey,
    expiryToken: ExpiryToken,
    time: Num,
    callback?: Callback<Buffer | null>,
  ): Reply<Buffer | null, K, this>
  getexBuffer(key: RedisKey, persist: 'PERSIST', callback?: Callback<Buffer | null>): Reply<Buffer | null, K, this>
  getrange(key: RedisKey, start: Num, end: Num, callback?: Callback<string>): Reply<string, K, this>
  getrangeBuffer(key: RedisKey, start: Num, end: Num, callback?: Callback<Buffer>): Reply<Buffer, K, this>
  setrange(key: RedisKey, offset: Num, value: RedisValue, callback?: Callback<number>): Reply<number, K, this>
  /** APPEND: the new length. */
  append(key: RedisKey, value: RedisValue, callback?: Callback<number>): Reply<number, K, this>
  strlen(key: RedisKey, callback?: Callback<number>): Reply<number, K, this>

  /** MGET: one value (or `null`) per key. */
  mget(...args: [...keys: RedisKey[], callback: Callback<(string | null)[]>]): Reply<(string | null)[], K, this>
  mget(...args: [keys: readonly RedisKey[], callback: Callback<(string | null)[]>]): Reply<(string | null)[], K, this>
  mget(...args: RedisKey[]): Reply<(string | null)[], K, this>
  mget(keys: readonly RedisKey[]): Reply<(string | null)[], K, this>
  mgetBuffer(...args: [...keys: RedisKey[], callback: Callback<(Buffer | null)[]>]): Reply<(Buffer | null)[], K, this>
  mgetBuffer(
    ...args: [keys: readonly RedisKey[], callback: Callback<(Buffer | null)[]>]
  ): Reply<(Buffer | null)[], K, this>
  mgetBuffer(...args: RedisKey[]): Reply<(Buffer | null)[], K, this>
  mgetBuffer(keys: readonly RedisKey[]): Reply<(Buffer | null)[], K, this>
  /** MSET from `{ key: value }`, a Map, or `key, value, key, value…`. */
  mset(map: ReadonlyMap<RedisKey | number, RedisValue>, callback?: Callback<'OK'>): Reply<'OK', K, this>
  mset<T extends FieldObject<T>>(object: T, callback?: Callback<'OK'>): Reply<'OK', K, this>
  mset(...args: [...keysAndValues: RedisValue[], callback: Callback<'OK'>]): Reply<'OK', K, this>
  mset(...args: RedisValue[]): Reply<'OK', K, this>
  /** MSETNX: 1 when all keys were set, 0 when none was (one existed). */
  msetnx(map: ReadonlyMap<RedisKey | number, RedisValue>, callback?: Callback<number>): Reply<number, K, this>
  msetnx<T extends FieldObject<T>>(object: T, callback?: Callback<number>): Reply<number, K, this>
  msetnx(...args: [...keysAndValues: RedisValue[], callback: Callback<number>]): Reply<number, K, this>
  msetnx(...args: RedisValue[]): Reply<number, K, this>

  incr(key: RedisKey, callback?: Callback<number>): Reply<number, K, this>
  incrby(key: RedisKey, increment: Num, callback?: Callback<number>): Reply<number, K, this>
  /** INCRBYFLOAT: the new value as Redis prints it (a string, as in ioredis). */
  incrbyfloat(key: RedisKey, increment: Num, callback?: Callback<string>): Reply<string, K, this>
  decr(key: RedisKey, callback?: Callback<number>): Reply<number, K, this>
  decrby(key: RedisKey, decrement: Num, callback?: Callback<number>): Reply<number, K, this>

  /** DEL: how many keys were removed. */
  del(...args: [...keys: RedisKey[], callback: Callback<number>]): Reply<number, K, this>
  del(...args: [keys: readonly RedisKey[], callback: Callback<number>]): Reply<number, K, this>
  del(...args: RedisKey[]): Reply<number, K, this>
  del(keys: readonly RedisKey[]): Reply<number, K, this>
  unlink(...args: [...keys: RedisKey[], callback: Callback<number>]): Reply<number, K, this>
  unlink(...args: [keys: readonly RedisKey[], callback: Callback<number>]): Reply<number, K, this>
  unlink(...args: RedisKey[]): Reply<number, K, this>
  unlink(keys: readonly RedisKey[]): Reply<number, K, this>
  /** EXISTS: how many of the keys exist (a key named twice counts twice). */
  exists(...args: [...keys: RedisKey[], callback: Callback<number>]): Reply<number, K, this>
  exists(...args: [keys: readonly RedisKey[], callback: Callback<number>]): Reply<number, K, this>
  exists(...args: RedisKey[]): Reply<number, K, this>
  exists(keys: readonly RedisKey[]): Reply<number, K, this>
  touch(...args: [...keys: RedisKey[], callback: Callback<number>]): Reply<number, K, this>
  touch(...args: RedisKey[]): Reply<number, K, this>

  /** EXPIRE: 1 when the timeout was set, 0 when the key does not exist or the condition failed. */
  expire(key: RedisKey, seconds: Num, callback?: Callback<number>): Reply<number, K, this>
  expire(key: RedisKey, seconds: Num, condition: ExpireCondition, callback?: Callback<number>): Reply<number, K, this>
  pexpire(key: RedisKey, milliseconds: Num, callback?: Callback<number>): Reply<number, K, this>
  pexpire(
    key: RedisKey,
    milliseconds: Num,
    condition: ExpireCondition,
    callback?: Callback<number>,
  ): Reply<number, K, this>
  expireat(key: RedisKey, unixTimeSeconds: Num, callback?: Callback<number>): Reply<number, K, this>
  expireat(
    key: RedisKey,
    unixTimeSeconds: Num,
    condition: ExpireCondition,
    callback?: Callback<number>,
  ): Reply<number, K, this>
  pexpireat(key: RedisKey, unixTimeMilliseconds: Num, callback?: Callback<number>): Reply<number, K, this>
  pexpireat(
    key: RedisKey,
    unixTimeMilliseconds: Num,
    condition: ExpireCondition,
    callback?: Callback<number>,
  ): Reply<number, K, this>
  /** TTL in seconds; -1 without expiry, -2 when the key does not exist. */
  ttl(key: RedisKey, callback?: Callback<number>): Reply<number, K, this>
  /** PTTL in milliseconds; -1 without expiry, -2 when the key does not exist. */
  pttl(key: RedisKey, callback?: Callback<number>): Reply<number, K, this>
  expiretime(key: RedisKey, callback?: Callback<number>): Reply<number, K, this>
  pexpiretime(key: RedisKey, callback?: Callback<number>): Reply<number, K, this>
  persist(key: RedisKey, callback?: Callback<number>): Reply<number, K, this>
  rename(key: RedisKey, newkey: RedisKey, callback?: Callback<'OK'>): Reply<'OK', K, this>
  renamenx(key: RedisKey, newkey: RedisKey, callback?: Callback<number>): Reply<number, K, this>
  /** TYPE: `'none'` when the key does not exist. */
  type(
    key: RedisKey,
    callback?: Callback<string>,
  ): Reply<'none' | 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream' | 'vectorset' | (string & {}), K, this>
  keys(pattern: string, callback?: Callback<string[]>): Reply<string[], K, this>
  keysBuffer(pattern: string, callback?: Callback<Buffer[]>): Reply<Buffer[], K, this>
  randomkey(callback?: Callback<string | null>): Reply<string | null, K, this>
  dbsize(callback?: Callback<number>): Reply<number, K, this>
  /** SCAN: the next cursor (`'0'` when done) and one page of keys. */
  scan(
    cursor: Num,
    ...args: WithCallback<[...MatchOpt, ...CountOpt, ...Opt<[typeToken: 'TYPE', type: string]>], ScanReply<string>>
  ): Reply<ScanReply<string>, K, this>
  scanBuffer(
    cursor: Num,
    ...args: WithCallback<[...MatchOpt, ...CountOpt, ...Opt<[typeToken: 'TYPE', type: string]>], ScanReply<Buffer>>
  ): Reply<ScanReply<Buffer>, K, this>

  // ---- server and connection ----------------------------------------------------------------

  ping(callback?: Callback<'PONG'>): Reply<'PONG', K, this>
  ping(message: string | Buffer, callback?: Callback<string>): Reply<string, K, this>
  pingBuffer(callback?: Callback<Buffer>): Reply<Buffer, K, this>
  pingBuffer(message: string | Buffer, callback?: Callback<Buffer>): Reply<Buffer, K, this>
  echo(message: string | Buffer, callback?: Callback<string>): Reply<string, K, this>
  echoBuffer(message: string | Buffer, callback?: Callback<Buffer>): Reply<Buffer, K, this>
  flushdb(callback?: Callback<'OK'>): Reply<'OK', K, this>
  flushdb(mode: 'ASYNC' | 'SYNC', callback?: Callback<'OK'>): Reply<'OK', K, this>
  flushall(callback?: Callback<'OK'>): Reply<'OK', K, this>
  flushall(mode: 'ASYNC' | 'SYNC', callback?: Callback<'OK'>): Reply<'OK', K, this>

  // ---- hashes -------------------------------------------------------------------------------

  /** HSET from `{ field: value }`, a Map, or `field, value, …`: how many fields were added. */
  hset(
    key: RedisKey,
    map: ReadonlyMap<string | Buffer | number, RedisValue>,
    callback?: Callback<number>,
  ): Reply<number, K, this>
  hset<T extends FieldObject<T>>(key: RedisKey, object: T, callback?: Callback<number>): Reply<number, K, this>
  hset(...args: [key: RedisKey, ...fieldsAndValues: RedisValue[], callback: Callback<number>]): Reply<number, K, this>
  hset(...args: [key: RedisKey, ...fieldsAndValues: RedisValue[]]): Reply<number, K, this>
  /** HMSET (deprecated by Redis in favour of HSET): `'OK'`. */
  hmset(
    key: RedisKey,
    map: ReadonlyMap<string | Buffer | number, RedisValue>,
    callback?: Callback<'OK'>,
  ): Reply<'OK', K, this>
  hmset<T extends FieldObject<T>>(key: RedisKey, object: T, callback?: Callback<'OK'>): Reply<'OK', K, this>
  hmset(...args: [key: RedisKey, ...fieldsAndValues: RedisValue[], callback: Callback<'OK'>]): Reply<'OK', K, this>
  hmset(...args: [key: RedisKey, ...fieldsAndValues: RedisValue[]]): Reply<'OK', K, this>
  hsetnx(key: RedisKey, field: string | Buffer, value: RedisValue, callback?: Callback<number>): Reply<number, K, this>
  hget(key: RedisKey, field: string | Buffer, callback?: Callback<string | null>): Reply<string | null, K, this>
  hgetBuffer(key: RedisKey, field: string | Buffer, callback?: Callback<Buffer | null>): Reply<Buffer | null, K, this>
  hmget(
    ...args: [key: RedisKey, ...fields: (string | Buffer)[], callback: Callback<(string | null)[]>]
  ): Reply<(string | null)[], K, this>
  hmget(
    ...args: [key: RedisKey, fields: readonly (string | Buffer)[], callback: Callback<(string | null)[]>]
  ): Reply<(string | null)[], K, this>
  hmget(...args: [key: RedisKey, ...fields: (string | Buffer)[]]): Reply<(string | null)[], K, this>
  hmget(key: RedisKey, fields: readonly (string | Buffer)[]): Reply<(string | null)[], K, this>
  hmgetBuffer(
    ...args: [key: RedisKey, ...fields: (string | Buffer)[], callback: Callback<(Buffer | null)[]>]
  ): Reply<(Buffer | null)[], K, this>
  hmgetBuffer(...args: [key: RedisKey, ...fields: (string | Buffer)[]]): Reply<(Buffer | null)[], K, this>
  hmgetBuffer(key: RedisKey, fields: readonly (string | Buffer)[]): Reply<(Buffer | null)[], K, this>
  /** HGETALL as an object (`{}` when the key does not exist). */
  hgetall(key: RedisKey, callback?: Callback<Record<string, string>>): Reply<Record<string, string>, K, this>
  hgetallBuffer(key: RedisKey, callback?: Callback<Record<string, Buffer>>): Reply<Record<string, Buffer>, K, this>
  /** HDEL: how many fields were removed. */
  hdel(...args: [key: RedisKey, ...fields: (string | Buffer)[], callback: Callback<number>]): Reply<number, K, this>
  hdel(...args: [key: RedisKey, ...fields: (string | Buffer)[]]): Reply<number, K, this>
  /** HEXISTS: 1 or 0. */
  hexists(key: RedisKey, field: string | Buffer, callback?: Callback<number>): Reply<number, K, this>
  hincrby(key: RedisKey, field: string | Buffer, increment: Num, callback?: Callback<number>): Reply<number, K, this>
  hincrbyfloat(
    key: RedisKey,
    field: string | Buffer,
    increment: Num,
    callback?: Callback<string>,
  ): Reply<string, K, this>
  hkeys(key: RedisKey, callback?: Callback<string[]>): Reply<string[], K, this>
  hkeysBuffer(key: RedisKey, callback?: Callback<Buffer[]>): Reply<Buffer[], K, this>
  hvals(key: RedisKey, callback?: Callback<string[]>): Reply<string[], K, this>
  hvalsBuffer(key: RedisKey, callback?: Callback<Buffer[]>): Reply<Buffer[], K, this>
  hlen(key: RedisKey, callback?: Callback<number>): Reply<number, K, this>
  hstrlen(key: RedisKey, field: string | Buffer, callback?: Callback<number>): Reply<number, K, this>
  /** HSCAN: the next cursor and `[field, value, …]` (fields only with NOVALUES). */
  hscan(
    key: RedisKey,
    cursor: Num,
    ...args: WithCallback<[...MatchOpt, ...CountOpt, ...Opt<[novalues: 'NOVALUES']>], ScanReply<string>>
  ): Reply<ScanReply<string>, K, this>
  hscanBuffer(
    key: RedisKey,
    cursor: Num,
    ...args: WithCallback<[...MatchOpt, ...CountOpt, ...Opt<[novalues: 'NOVALUES']>], ScanReply<Buffer>>
  ): Reply<ScanReply<Buffer>, K, this>

  // ---- lists --------------------------------------------------------------------------------

  /** LPUSH: the new length. */
  lpush(...args: [key: RedisKey, ...elements: RedisValue[], callback: Callback<number>]): Reply<number, K, this>
  lpush(...args: [key: RedisKey, ...elements: RedisValue[]]): Reply<number, K, this>
  rpush(...args: [key: RedisKey, ...elements: RedisValue[], callback: Callback<number>]): Reply<number, K, this>
  rpush(...args: [key: RedisKey, ...elements: RedisValue[]]): Reply<number, K, this>
  lpushx(...args: [key: RedisKey, ...elements: RedisValue[], callback: Callback<number>]): Reply<number, K, this>
  lpushx(...args: [key: RedisKey, ...elements: RedisValue[]]): Reply<number, K, this>
  rpushx(...args: [key: RedisKey, ...elements: RedisValue[], callback: Callback<number>]): Reply<number, K, this>
  rpushx(...args: [key: RedisKey, ...elements: RedisValue[]]): Reply<number, K, this>
  /** LPOP: one element (or `null`); with a count, an array (or `null` when the key does not exist). */
  lpop(key: RedisKey, callback?: Callback<string | null>): Reply<string | null, K, this>
  lpop(key: RedisKey, count: Num, callback?: Callback<string[] | null>): Reply<string[] | null, K, this>
  lpopBuffer(key: RedisKey, callback?: Callback<Buffer | null>): Reply<Buffer | null, K, this>
  lpopBuffer(key: RedisKey, count: Num, callback?: Callback<Buffer[] | null>): Reply<Buffer[] | null, K, this>
  rpop(key: RedisKey, callback?: Callback<string | null>): Reply<string | null, K, this>
  rpop(key: RedisKey, count: Num, callback?: Callback<string[] | null>): Reply<string[] | null, K, this>
  rpopBuffer(key: RedisKey, callback?: Callback<Buffer | null>): Reply<Buffer | null, K, this>
  rpopBuffer(key: RedisKey, count: Num, callback?: Callback<Buffer[] | null>): Reply<Buffer[] | null, K, this>
  lrange(key: RedisKey, start: Num, stop: Num, callback?: Callback<string[]>): Reply<string[], K, this>
  lrangeBuffer(key: RedisKey, start: Num, stop: Num, callback?: Callback<Buffer[]>): Reply<Buffer[], K, this>
  llen(key: RedisKey, callback?: Callback<number>): Reply<number, K, this>
  lindex(key: RedisKey, index: Num, callback?: Callback<string | null>): Reply<string | null, K, this>
  lindexBuffer(key: RedisKey, index: Num, callback?: Callback<Buffer | null>): Reply<Buffer | null, K, this>
  lset(key: RedisKey, index: Num, element: RedisValue, callback?: Callback<'OK'>): Reply<'OK', K, this>
  linsert(
    key: RedisKey,
    where: 'BEFORE' | 'AFTER',
    pivot: RedisValue,
    element: RedisValue,
    callback?: Callback<number>,
  ): Reply<number, K, this>
  /** LREM: how many elements were removed. */
  lrem(key: RedisKey, count: Num, element: RedisValue, callback?: Callback<number>): Reply<number, K, this>
  ltrim(key: RedisKey, start: Num, stop: Num, callback?: Callback<'OK'>): Reply<'OK', K, this>
  /** LMOVE: the moved element, or `null` when `source` is empty. */
  lmove(
    source: RedisKey,
    destination: RedisKey,
    from: 'LEFT' | 'RIGHT',
    to: 'LEFT' | 'RIGHT',
    callback?: Callback<string | null>,
  ): Reply<string | null, K, this>
  lmoveBuffer(
    source: RedisKey,
    destination: RedisKey,
    from: 'LEFT' | 'RIGHT',
    to: 'LEFT' | 'RIGHT',
    callback?: Callback<Buffer | null>,
  ): Reply<Buffer | null, K, this>
  rpoplpush(source: RedisKey, destination: RedisKey, callback?: Callback<string | null>): Reply<string | null, K, this>
  rpoplpushBuffer(
    source: RedisKey,
    destination: RedisKey,
    callback?: Callback<Buffer | null>,
  ): Reply<Buffer | null, K, this>

  // ---- sets ---------------------------------------------------------------------------------

  /** SADD: how many members were added. */
  sadd(...args: [key: RedisKey, ...members: RedisValue[], callback: Callback<number>]): Reply<number, K, this>
  sadd(...args: [key: RedisKey, members: readonly RedisValue[], callback: Callback<number>]): Reply<number, K, this>
  sadd(...args: [key: RedisKey, ...members: RedisValue[]]): Reply<number, K, this>
  sadd(key: RedisKey, members: readonly RedisValue[]): Reply<number, K, this>
  srem(...args: [key: RedisKey, ...members: RedisValue[], callback: Callback<number>]): Reply<number, K, this>
  srem(...args: [key: RedisKey, members: readonly RedisValue[], callback: Callback<number>]): Reply<number, K, this>
  srem(...args: [key: RedisKey, ...members: RedisValue[]]): Reply<number, K, this>
  srem(key: RedisKey, members: readonly RedisValue[]): Reply<number, K, this>
  smembers(key: RedisKey, callback?: Callback<string[]>): Reply<string[], K, this>
  smembersBuffer(key: RedisKey, callback?: Callback<Buffer[]>): Reply<Buffer[], K, this>
  /** SISMEMBER: 1 or 0. */
  sismember(key: RedisKey, member: RedisValue, callback?: Callback<number>): Reply<number, K, this>
  smismember(...args: [key: RedisKey, ...members: RedisValue[], callback: Callback<number[]>]): Reply<number[], K, this>
  smismember(...args: [key: RedisKey, ...members: RedisValue[]]): Reply<number[], K, this>
  scard(key: RedisKey, callback?: Callback<number>): Reply<number, K, this>
  sinter(...args: [...keys: RedisKey[], callback: Callback<string[]>]): Reply<string[], K, this>
  sinter(...args: [keys: readonly RedisKey[], callback: Callback<string[]>]): Reply<string[], K, this>
  sinter(...args: RedisKey[]): Reply<string[], K, this>
  sinter(keys: readonly RedisKey[]): Reply<string[], K, this>
  sinterBuffer(...args: [...keys: RedisKey[], callback: Callback<Buffer[]>]): Reply<Buffer[], K, this>
  sinterBuffer(...args: RedisKey[]): Reply<Buffer[], K, this>
  sinterBuffer(keys: readonly RedisKey[]): Reply<Buffer[], K, this>
  sunion(...args: [...keys: RedisKey[], callback: Callback<string[]>]): Reply<string[], K, this>
  sunion(...args: [keys: readonly RedisKey[], callback: Callback<string[]>]): Reply<string[], K, this>
  sunion(...args: RedisKey[]): Reply<string[], K, this>
  sunion(keys: readonly RedisKey[]): Reply<string[], K, this>
  sunionBuffer(...args: [...keys: RedisKey[], callback: Callback<Buffer[]>]): Reply<Buffer[], K, this>
  sunionBuffer(...args: RedisKey[]): Reply<Buffer[], K, this>
  sunionBuffer(keys: readonly RedisKey[]): Reply<Buffer[], K, this>
  sdiff(...args: [...keys: RedisKey[], callback: Callback<string[]>]): Reply<string[], K, this>
  sdiff(...args: RedisKey[]): Reply<string[], K, this>
  sdiff(keys: readonly RedisKey[]): Reply<string[], K, this>
  sdiffBuffer(...args: [...keys: RedisKey[], callback: Callback<Buffer[]>]): Reply<Buffer[], K, this>
  sdiffBuffer(...args: RedisKey[]): Reply<Buffer[], K, this>
  sdiffBuffer(keys: readonly RedisKey[]): Reply<Buffer[], K, this>
  sinterstore(...args: [destination: RedisKey, ...keys: RedisKey[], callback: Callback<number>]): Reply<number, K, this>
  sinterstore(...args: [destination: RedisKey, ...keys: RedisKey[]]): Reply<number, K, this>
  sunionstore(...args: [destination: RedisKey, ...keys: RedisKey[], callback: Callback<number>]): Reply<number, K, this>
  sunionstore(...args: [destination: RedisKey, ...keys: RedisKey[]]): Reply<number, K, this>
  sdiffstore(...args: [destination: RedisKey, ...keys: RedisKey[], callback: Callback<number>]): Reply<number, K, this>
  sdiffstore(...args: [destination: RedisKey, ...keys: RedisKey[]]): Reply<number, K, this>
  smove(
    source: RedisKey,
    destination: RedisKey,
    member: RedisValue,
    callback?: Callback<number>,
  ): Reply<number, K, this>
  /** SPOP: one member (or `null`); with a count, an array. */
  spop(key: RedisKey, callback?: Callback<string | null>): Reply<string | null, K, this>
  spop(key: RedisKey, count: Num, callback?: Callback<string[]>): Reply<string[], K, this>
  spopBuffer(key: RedisKey, callback?: Callback<Buffer | null>): Reply<Buffer | null, K, this>
  spopBuffer(key: RedisKey, count: Num, callback?: Callback<Buffer[]>): Reply<Buffer[], K, this>
  srandmember(key: RedisKey, callback?: Callback<string | null>): Reply<string | null, K, this>
  srandmember(key: RedisKey, count: Num, callback?: Callback<string[]>): Reply<string[], K, this>
  srandmemberBuffer(key: RedisKey, callback?: Callback<Buffer | null>): Reply<Buffer | null, K, this>
  srandmemberBuffer(key: RedisKey, count: Num, callback?: Callback<Buffer[]>): Reply<Buffer[], K, this>
  sscan(
    key: RedisKey,
    cursor: Num,
    ...args: WithCallback<[...MatchOpt, ...CountOpt], ScanReply<string>>
  ): Reply<ScanReply<string>, K, this>
  sscanBuffer(
    key: RedisKey,
    cursor: Num,
    ...args: WithCallback<[...MatchOpt, ...CountOpt], ScanReply<Buffer>>
  ): Reply<ScanReply<Buffer>, K, this>

  // ---- sorted sets --------------------------------------------------------------------------

  /**
   * ZADD `[NX | XX] [GT | LT] [CH] [INCR] score member [score member …]`: how many members were
   * added (or changed, with CH). With INCR: the new score, `null` when a condition stopped it.
   */
  zadd(
    ...args: WithCallback<[key: RedisKey, ...ZAddChanged, incr: 'INCR', increment: Num, member: RedisValue], string>
  ): Reply<string, K, this>
  zadd(
    ...args: WithCallback<
      [key: RedisKey, ...Exclude<ZAddCondition, []>, ...ZAddChanged, incr: 'INCR', increment: Num, member: RedisValue],
      string | null
    >
  ): Reply<string | null, K, this>
  zadd(
    ...args: WithCallback<[key: RedisKey, ...ZAddCondition, ...ZAddChanged, ...scoresAndMembers: RedisValue[]], number>
  ): Reply<number, K, this>
  zaddBuffer(
    ...args: WithCallback<
      [key: RedisKey, ...ZAddCondition, ...ZAddChanged, incr: 'INCR', increment: Num, member: RedisValue],
      Buffer | null
    >
  ): Reply<Buffer | null, K, this>
  /** ZRANGE `start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES]`: members (with WITHSCORES, `[member, score, …]`). */
  zrange(
    key: RedisKey,
    start: RedisValue,
    stop: RedisValue,
    ...args: WithCallback<ZRangeOptions, string[]>
  ): Reply<string[], K, this>
  zrangeBuffer(
    key: RedisKey,
    start: RedisValue,
    stop: RedisValue,
    ...args: WithCallback<ZRangeOptions, Buffer[]>
  ): Reply<Buffer[], K, this>
  zrevrange(
    key: RedisKey,
    start: Num,
    stop: Num,
    ...args: WithCallback<Opt<[withscores: 'WITHSCORES']>, string[]>
  ): Reply<string[], K, this>
  zrevrangeBuffer(
    key: RedisKey,
    start: Num,
    stop: Num,
    ...args: WithCallback<Opt<[withscores: 'WITHSCORES']>, Buffer[]>
  ): Reply<Buffer[], K, this>
  zrangebyscore(
    key: RedisKey,
    min: Num,
    max: Num,
    ...args: WithCallback<ZRangeByScoreOptions, string[]>
  ): Reply<string[], K, this>
  zrangebyscoreBuffer(
    key: RedisKey,
    min: Num,
    max: Num,
    ...args: WithCallback<ZRangeByScoreOptions, Buffer[]>
  ): Reply<Buffer[], K, this>
  zrevrangebyscore(
    key: RedisKey,
    max: Num,
    min: Num,
    ...args: WithCallback<ZRangeByScoreOptions, string[]>
  ): Reply<string[], K, this>
  zrevrangebyscoreBuffer(
    key: RedisKey,
    max: Num,
    min: Num,
    ...args: WithCallback<ZRangeByScoreOptions, Buffer[]>
  ): Reply<Buffer[], K, this>
  /** ZSCORE: the score as Redis prints it, or `null`. */
  zscore(key: RedisKey, member: RedisValue, callback?: Callback<string | null>): Reply<string | null, K, this>
  zscoreBuffer(key: RedisKey, member: RedisValue, callback?: Callback<Buffer | null>): Reply<Buffer | null, K, this>
  zmscore(
    ...args: [key: RedisKey, ...members: RedisValue[], callback: Callback<(string | null)[]>]
  ): Reply<(string | null)[], K, this>
  zmscore(...args: [key: RedisKey, ...members: RedisValue[]]): Reply<(string | null)[], K, this>
  /** ZINCRBY: the new score. */
  zincrby(key: RedisKey, increment: Num, member: RedisValue, callback?: Callback<string>): Reply<string, K, this>
  zincrbyBuffer(key: RedisKey, increment: Num, member: RedisValue, callback?: Callback<Buffer>): Reply<Buffer, K, this>
  /** ZRANK: the 0-based rank, or `null` when not a member; with WITHSCORE, `[rank, score]`. */
  zrank(key: RedisKey, member: RedisValue, callback?: Callback<number | null>): Reply<number | null, K, this>
  zrank(
    key: RedisKey,
    member: RedisValue,
    withscore: 'WITHSCORE',
    callback?: Callback<[rank: number, score: string] | null>,
  ): Reply<[rank: number, score: string] | null, K, this>
  zrevrank(key: RedisKey, member: RedisValue, callback?: Callback<number | null>): Reply<number | null, K, this>
  zrevrank(
    key: RedisKey,
    member: RedisValue,
    withscore: 'WITHSCORE',
    callback?: Callback<[rank: number, score: string] | null>,
  ): Reply<[rank: number, score: string] | null, K, this>
  zrem(...args: [key: RedisKey, ...members: RedisValue[], callback: Callback<number>]): Reply<number, K, this>
  zrem(...args: [key: RedisKey, members: readonly RedisValue[], callback: Callback<number>]): Reply<number, K, this>
  zrem(...args: [key: RedisKey, ...members: RedisValue[]]): Reply<number, K, this>
  zrem(key: RedisKey, members: readonly RedisValue[]): Reply<number, K, this>
  zremrangebyscore(key: RedisKey, min: Num, max: Num, callback?: Callback<number>): Reply<number, K, this>
  zremrangebyrank(key: RedisKey, start: Num, stop: Num, callback?: Callback<number>): Reply<number, K, this>
  zcard(key: RedisKey, callback?: Callback<number>): Reply<number, K, this>
  zcount(key: RedisKey, min: Num, max: Num, callback?: Callback<number>): Reply<number, K, this>
  /** ZPOPMIN: `[member, score, …]` (empty when the key does not exist). */
  zpopmin(key: RedisKey, callback?: Callback<string[]>): Reply<string[], K, this>
  zpopmin(key: RedisKey, count: Num, callback?: Callback<string[]>): Reply<string[], K, this>
  zpopminBuffer(key: RedisKey, callback?: Callback<Buffer[]>): Reply<Buffer[], K, this>
  zpopminBuffer(key: RedisKey, count: Num, callback?: Callback<Buffer[]>): Reply<Buffer[], K, this>
  zpopmax(key: RedisKey, callback?: Callback<string[]>): Reply<string[], K, this>
  zpopmax(key: RedisKey, count: Num, callback?: Callback<string[]>): Reply<string[], K, this>
  zpopmaxBuffer(key: RedisKey, callback?: Callback<Buffer[]>): Reply<Buffer[], K, this>
  zpopmaxBuffer(key: RedisKey, count: Num, callback?: Callback<Buffer[]>): Reply<Buffer[], K, this>
  /** ZSCAN: the next cursor and `[member, score, …]`. */
  zscan(
    key: RedisKey,
    cursor: Num,
    ...args: WithCallback<[...MatchOpt, ...CountOpt], ScanReply<string>>
  ): Reply<ScanReply<string>, K, this>
  zscanBuffer(
    key: RedisKey,
    cursor: Num,
    ...args: WithCallback<[...MatchOpt, ...CountOpt], ScanReply<Buffer>>
  ): Reply<ScanReply<Buffer>, K, this>

  // ---- streams ------------------------------------------------------------------------------

  /** XADD `key [NOMKSTREAM] [MAXLEN|MINID …] id|* field value …`: the entry id (`null` with NOMKSTREAM on a missing stream). */
  xadd(
    ...args: [key: RedisKey, ...args: RedisValue[], callback: Callback<string | null>]
  ): Reply<string | null, K, this>
  xadd(...args: [key: RedisKey, ...args: RedisValue[]]): Reply<string | null, K, this>
  xaddBuffer(
    ...args: [key: RedisKey, ...args: RedisValue[], callback: Callback<Buffer | null>]
  ): Reply<Buffer | null, K, this>
  xaddBuffer(...args: [key: RedisKey, ...args: RedisValue[]]): Reply<Buffer | null, K, this>
  /** XRANGE: `[id, [field, value, …]]` per entry. */
  xrange(
    key: RedisKey,
    start: RedisValue,
    end: RedisValue,
    callback?: Callback<StreamEntry[]>,
  ): Reply<StreamEntry[], K, this>
  xrange(
    key: RedisKey,
    start: RedisValue,
    end: RedisValue,
    countToken: 'COUNT',
    count: Num,
    callback?: Callback<StreamEntry[]>,
  ): Reply<StreamEntry[], K, this>
  xrangeBuffer(
    key: RedisKey,
    start: RedisValue,
    end: RedisValue,
    callback?: Callback<StreamEntry<Buffer>[]>,
  ): Reply<StreamEntry<Buffer>[], K, this>
  xrangeBuffer(
    key: RedisKey,
    start: RedisValue,
    end: RedisValue,
    countToken: 'COUNT',
    count: Num,
    callback?: Callback<StreamEntry<Buffer>[]>,
  ): Reply<StreamEntry<Buffer>[], K, this>
  xrevrange(
    key: RedisKey,
    end: RedisValue,
    start: RedisValue,
    callback?: Callback<StreamEntry[]>,
  ): Reply<StreamEntry[], K, this>
  xrevrange(
    key: RedisKey,
    end: RedisValue,
    start: RedisValue,
    countToken: 'COUNT',
    count: Num,
    callback?: Callback<StreamEntry[]>,
  ): Reply<StreamEntry[], K, this>
  xrevrangeBuffer(
    key: RedisKey,
    end: RedisValue,
    start: RedisValue,
    callback?: Callback<StreamEntry<Buffer>[]>,
  ): Reply<StreamEntry<Buffer>[], K, this>
  xrevrangeBuffer(
    key: RedisKey,
    end: RedisValue,
    start: RedisValue,
    countToken: 'COUNT',
    count: Num,
    callback?: Callback<StreamEntry<Buffer>[]>,
  ): Reply<StreamEntry<Buffer>[], K, this>
  /**
   * XREAD `[COUNT n] STREAMS key … id …`: entries per stream, or `null`. The REST API refuses
   * BLOCK (RestrictedCommandError); poll instead.
   */
  xread(
    ...args: WithCallback<[...XReadOptions, streamsToken: 'STREAMS', ...keysAndIds: RedisValue[]], XReadReply>
  ): Reply<XReadReply, K, this>
  xreadBuffer(
    ...args: WithCallback<[...XReadOptions, streamsToken: 'STREAMS', ...keysAndIds: RedisValue[]], XReadReply<Buffer>>
  ): Reply<XReadReply<Buffer>, K, this>
  /** XREADGROUP `GROUP group consumer [COUNT n] [NOACK] STREAMS key … id …` (BLOCK is refused over REST). */
  xreadgroup(
    ...args: WithCallback<
      [
        groupToken: 'GROUP',
        group: string | Buffer,
        consumer: string | Buffer,
        ...XReadOptions,
        ...Opt<[noack: 'NOACK']>,
        streamsToken: 'STREAMS',
        ...keysAndIds: RedisValue[],
      ],
      XReadGroupReply
    >
  ): Reply<XReadGroupReply, K, this>
  xreadgroupBuffer(
    ...args: WithCallback<
      [
        groupToken: 'GROUP',
        group: string | Buffer,
        consumer: string | Buffer,
        ...XReadOptions,
        ...Opt<[noack: 'NOACK']>,
        streamsToken: 'STREAMS',
        ...keysAndIds: RedisValue[],
      ],
      XReadGroupReply<Buffer>
    >
  ): Reply<XReadGroupReply<Buffer>, K, this>
  xlen(key: RedisKey, callback?: Callback<number>): Reply<number, K, this>
  /** XTRIM `MAXLEN|MINID [=|~] threshold [LIMIT count]`: how many entries were removed. */
  xtrim(key: RedisKey, ...args: WithCallback<XTrimArgs, number>): Reply<number, K, this>
  xdel(...args: [key: RedisKey, ...ids: RedisValue[], callback: Callback<number>]): Reply<number, K, this>
  xdel(...args: [key: RedisKey, ...ids: RedisValue[]]): Reply<number, K, this>
  /** XGROUP CREATE/SETID: `'OK'`; CREATECONSUMER, DELCONSUMER, DESTROY: a count. */
  xgroup(
    subcommand: 'CREATE',
    key: RedisKey,
    group: string | Buffer,
    id: RedisValue,
    ...args: WithCallback<
      [...Opt<[mkstream: 'MKSTREAM']>, ...Opt<[entriesReadToken: 'ENTRIESREAD', entriesRead: Num]>],
      'OK'
    >
  ): Reply<'OK', K, this>
  xgroup(
    subcommand: 'SETID',
    key: RedisKey,
    group: string | Buffer,
    id: RedisValue,
    ...args: WithCallback<Opt<[entriesReadToken: 'ENTRIESREAD', entriesRead: Num]>, 'OK'>
  ): Reply<'OK', K, this>
  xgroup(
    subcommand: 'CREATECONSUMER' | 'DELCONSUMER',
    key: RedisKey,
    group: string | Buffer,
    consumer: string | Buffer,
    callback?: Callback<number>,
  ): Reply<number, K, this>
  xgroup(
    subcommand: 'DESTROY',
    key: RedisKey,
    group: string | Buffer,
    callback?: Callback<number>,
  ): Reply<number, K, this>
  /** XACK: how many entries were acknowledged. */
  xack(
    ...args: [key: RedisKey, group: string | Buffer, ...ids: RedisValue[], callback: Callback<number>]
  ): Reply<number, K, this>
  xack(...args: [key: RedisKey, group: string | Buffer, ...ids: RedisValue[]]): Reply<number, K, this>
  /** XPENDING summary: `[count, smallest id, greatest id, [[consumer, count], …]]` (nulls when nothing is pending). */
  xpending(key: RedisKey, group: string | Buffer, callback?: Callback<XPendingSummary>): Reply<XPendingSummary, K, this>
  /** XPENDING extended form: `[id, consumer, idle ms, deliveries]` per pending entry. */
  xpending(
    key: RedisKey,
    group: string | Buffer,
    ...args: WithCallback<
      [
        ...Opt<[idleToken: 'IDLE', minIdleTime: Num]>,
        start: RedisValue,
        end: RedisValue,
        count: Num,
        ...Opt<[consumer: string | Buffer]>,
      ],
      XPendingEntry[]
    >
  ): Reply<XPendingEntry[], K, this>
  /** XCLAIM: the claimed entries; with JUSTID, their ids. */
  xclaim(
    ...args: WithCallback<
      [
        key: RedisKey,
        group: string | Buffer,
        consumer: string | Buffer,
        minIdleTime: Num,
        ...idsAndOptions: RedisValue[],
        justid: 'JUSTID',
        ...Opt<[lastidToken: 'LASTID', lastid: RedisValue]>,
      ],
      string[]
    >
  ): Reply<string[], K, this>
  xclaim(
    ...args: WithCallback<
      [
        key: RedisKey,
        group: string | Buffer,
        consumer: string | Buffer,
        minIdleTime: Num,
        ...idsAndOptions: RedisValue[],
      ],
      StreamEntry[]
    >
  ): Reply<StreamEntry[], K, this>
  /** XAUTOCLAIM: `[next start id, claimed entries (ids with JUSTID), ids of deleted entries]`. */
  xautoclaim(
    key: RedisKey,
    group: string | Buffer,
    consumer: string | Buffer,
    minIdleTime: Num,
    start: RedisValue,
    ...args: WithCallback<[...CountOpt, justid: 'JUSTID'], [next: string, ids: string[], deleted: string[]]>
  ): Reply<[next: string, ids: string[], deleted: string[]], K, this>
  xautoclaim(
    key: RedisKey,
    group: string | Buffer,
    consumer: string | Buffer,
    minIdleTime: Num,
    start: RedisValue,
    ...args: WithCallback<CountOpt, [next: string, entries: StreamEntry[], deleted: string[]]>
  ): Reply<[next: string, entries: StreamEntry[], deleted: string[]], K, this>
  /** XINFO STREAM/GROUPS/CONSUMERS: Redis's flat `[name, value, …]` replies. */
  xinfo(
    subcommand: 'STREAM',
    key: RedisKey,
    ...args: WithCallback<Opt<[full: 'FULL', ...CountOpt]>, unknown[]>
  ): Reply<unknown[], K, this>
  xinfo(subcommand: 'GROUPS', key: RedisKey, callback?: Callback<unknown[]>): Reply<unknown[], K, this>
  xinfo(
    subcommand: 'CONSUMERS',
    key: RedisKey,
    group: string | Buffer,
    callback?: Callback<unknown[]>,
  ): Reply<unknown[], K, this>
  xinfo(subcommand: 'HELP', callback?: Callback<unknown>): Reply<unknown, K, this>

  // ---- pub/sub ------------------------------------------------------------------------------

  /** PUBLISH: how many subscribers received the message. */
  publish(channel: string | Buffer, message: string | Buffer, callback?: Callback<number>): Reply<number, K, this>
  subscribe(...args: [...channels: (string | Buffer)[], callback: Callback<unknown>]): Reply<unknown, K, this>
  subscribe(...args: (string | Buffer)[]): Reply<unknown, K, this>
  psubscribe(...args: [...patterns: string[], callback: Callback<unknown>]): Reply<unknown, K, this>
  psubscribe(...args: string[]): Reply<unknown, K, this>
  unsubscribe(...args: [...channels: (string | Buffer)[], callback: Callback<unknown>]): Reply<unknown, K, this>
  unsubscribe(...args: (string | Buffer)[]): Reply<unknown, K, this>
  punsubscribe(...args: [...patterns: string[], callback: Callback<unknown>]): Reply<unknown, K, this>
  punsubscribe(...args: string[]): Reply<unknown, K, this>

  // ---- scripting ----------------------------------------------------------------------------

  /** EVAL `script numkeys key … arg …`: whatever the script returns. */
  eval(
    ...args: [script: string | Buffer, numkeys: Num, ...keysAndArgs: RedisArg[], callback: Callback<unknown>]
  ): Reply<unknown, K, this>
  eval(...args: [script: string | Buffer, numkeys: Num, ...keysAndArgs: RedisArg[]]): Reply<unknown, K, this>
  evalBuffer(
    ...args: [script: string | Buffer, numkeys: Num, ...keysAndArgs: RedisArg[], callback: Callback<unknown>]
  ): Reply<unknown, K, this>
  evalBuffer(...args: [script: string | Buffer, numkeys: Num, ...keysAndArgs: RedisArg[]]): Reply<unknown, K, this>
  eval_ro(
    ...args: [script: string | Buffer, numkeys: Num, ...keysAndArgs: RedisArg[], callback: Callback<unknown>]
  ): Reply<unknown, K, this>
  eval_ro(...args: [script: string | Buffer, numkeys: Num, ...keysAndArgs: RedisArg[]]): Reply<unknown, K, this>
  evalsha(
    ...args: [sha1: string | Buffer, numkeys: Num, ...keysAndArgs: RedisArg[], callback: Callback<unknown>]
  ): Reply<unknown, K, this>
  evalsha(...args: [sha1: string | Buffer, numkeys: Num, ...keysAndArgs: RedisArg[]]): Reply<unknown, K, this>
  evalshaBuffer(
    ...args: [sha1: string | Buffer, numkeys: Num, ...keysAndArgs: RedisArg[], callback: Callback<unknown>]
  ): Reply<unknown, K, this>
  evalshaBuffer(...args: [sha1: string | Buffer, numkeys: Num, ...keysAndArgs: RedisArg[]]): Reply<unknown, K, this>
  evalsha_ro(
    ...args: [sha1: string | Buffer, numkeys: Num, ...keysAndArgs: RedisArg[], callback: Callback<unknown>]
  ): Reply<unknown, K, this>
  evalsha_ro(...args: [sha1: string | Buffer, numkeys: Num, ...keysAndArgs: RedisArg[]]): Reply<unknown, K, this>
  /** SCRIPT LOAD: the SHA1 of the script. */
  script(subcommand: 'LOAD', script: string | Buffer, callback?: Callback<string>): Reply<string, K, this>
  /** SCRIPT EXISTS: 1 or 0 per SHA1. */
  script(
    ...args: [subcommand: 'EXISTS', ...sha1s: (string | Buffer)[], callback: Callback<number[]>]
  ): Reply<number[], K, this>
  script(...args: [subcommand: 'EXISTS', ...sha1s: (string | Buffer)[]]): Reply<number[], K, this>
  script(subcommand: 'FLUSH', callback?: Callback<'OK'>): Reply<'OK', K, this>
  script(subcommand: 'FLUSH', mode: 'ASYNC' | 'SYNC', callback?: Callback<'OK'>): Reply<'OK', K, this>
  script(subcommand: 'KILL', callback?: Callback<'OK'>): Reply<'OK', K, this>
}
