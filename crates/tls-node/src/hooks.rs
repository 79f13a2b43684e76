//! Wiring of Node's async `newSession` / `resumeSession` events into a handshake.
//! (Filled in with tls-core's session hooks.)
