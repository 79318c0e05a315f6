package io.tokenmonitor.bridge.console;

/** Who did something from the console: the logged-in user and the client address, for the audit. */
record Actor(String user, String client) {}
