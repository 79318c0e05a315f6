package io.tokenmonitor.exporter.account;

import io.tokenmonitor.exporter.model.Token;
import io.tokenmonitor.exporter.model.User;
import java.util.List;

/**
 * The gateway's keys and users as last read.
 *
 * @param refreshedAtSeconds when they were read (unix seconds); 0 before the first successful read
 */
public record AccountState(List<Token> tokens, List<User> users, long refreshedAtSeconds) {

    public static final AccountState NOT_LOADED = new AccountState(List.of(), List.of(), 0);

    public AccountState {
        tokens = List.copyOf(tokens);
        users = List.copyOf(users);
    }

    /** False until the first successful read. */
    public boolean loaded() {
        return refreshedAtSeconds > 0;
    }
}
