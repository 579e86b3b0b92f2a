'use strict'

const net = require('node:net')

// Asks the OS for a free loopback port. Another process may grab it before we use it, so callers
// retry on "address in use".
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

module.exports = { freePort }
