'use strict'
// The generated loader picks the .node binary for this platform (or names what it tried).
module.exports = require('../binding.js')
