'use strict'
// Resumable chat streams: `require('@fragment/redis-native/stream')`.
module.exports = require('./chat-streams.js')
