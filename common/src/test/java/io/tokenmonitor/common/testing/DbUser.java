package io.tokenmonitor.common.testing;

/** A database user that {@link GatewayDatabase#createUser} made, with only the privileges it was given. */
public record DbUser(String name, String password) {}
