package io.tokenmonitor.common.web;

import io.tokenmonitor.common.config.ConfigException;
import io.tokenmonitor.common.config.Env;
import io.tokenmonitor.common.config.Secret;
import java.util.Optional;

/**
 * Who may use a console: the program's own user/password pair, or else {@code ACCESS_PASSWORD} (the original Token
 * Monitor's single password) for the user {@code admin}. With neither, the console is off: it never runs open.
 *
 * @param user the user name the browser must send
 * @param password compared in constant time by whoever checks it
 * @param source the variable(s) the login came from, for the start-up log line
 */
public record ConsoleLogin(String user, Secret password, String source) {
    /** The original Token Monitor's variable: one password, no user name. */
    public static final String ACCESS_PASSWORD = "ACCESS_PASSWORD";
    /** The user that goes with {@link #ACCESS_PASSWORD}. */
    public static final String ACCESS_USER = "admin";

    /**
     * The login from {@code userVariable}/{@code passwordVariable} (both or neither; {@code _FILE} forms through
     * {@link Env#secret}), else from {@code ACCESS_PASSWORD} as {@code admin}; empty when neither is set.
     */
    public static Optional<ConsoleLogin> fromEnv(Env env, String userVariable, String passwordVariable) {
        Optional<String> user = env.get(userVariable);
        Optional<String> password = env.secret(passwordVariable);
        if (user.isPresent() != password.isPresent()) {
            throw new ConfigException(userVariable + "/" + passwordVariable + ": set both, or neither");
        }
        if (user.isPresent()) {
            return Optional.of(
                    new ConsoleLogin(user.get(), new Secret(password.get()), userVariable + "/" + passwordVariable));
        }
        return env.secret(ACCESS_PASSWORD).map(p -> new ConsoleLogin(ACCESS_USER, new Secret(p), ACCESS_PASSWORD));
    }
}
