'use strict'
// Resumable chat streams: `require('@fragment/redis-native/stream')`.
const chatStreams = require('./chat-streams.js')
const { createResumableStreamContext } = require('./resumable-context.js')

module.exports = { ...chatStreams, createResumableStreamContext }
