'use strict'

// Every wait in the dev stack goes through here, so nothing can hang and no timer outlives its wait.

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

// Settles like `promise`, or rejects with `onTimeout()` (an Error) after `ms`.
function withTimeout(promise, ms, onTimeout) {
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

module.exports = { delay, withTimeout }
