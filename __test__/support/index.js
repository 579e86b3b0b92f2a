'use strict'
// What every suite shares (not a suite itself):
//   env(), gateway(), uniqueKey()   the global dev stack and collision-free keys      (env.js)
//   send(), requestOptions()        the one raw HTTP client                           (http.js)
//   sleep(), waitUntil(), within()  bounded waits                                     (time.js)
// Suite-specific plumbing stays next to its suite (gateway/support.js, client/support/, …).
module.exports = { ...require('./env'), ...require('./http'), ...require('./time') }
