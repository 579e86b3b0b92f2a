'use strict'
// MULTI…EXEC for the building blocks: exec() gives ioredis-style [error, reply] pairs; a block
// wants the replies, and the first failed command as a rejection.

/** @param {{ exec(): Promise<Array<[Error | null, unknown]> | null> }} tx */
async function exec(tx) {
  const results = await tx.exec()
  if (results === null) throw new Error('transaction aborted')
  return results.map(([error, reply]) => {
    if (error) throw error
    return reply
  })
}

module.exports = { exec }
