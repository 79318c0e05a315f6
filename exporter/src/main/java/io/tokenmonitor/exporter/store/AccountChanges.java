package io.tokenmonitor.exporter.store;

import io.tokenmonitor.exporter.model.Token;
import io.tokenmonitor.exporter.model.User;
import java.util.List;

/**
 * What changed in the gateway's keys and users since the store's copy was last written: rows new or
 * different (written whole) and ids no longer in the gateway (deleted from the copy).
 */
public record AccountChanges(List<Token> tokens, List<Long> goneTokens, List<User> users, List<Long> goneUsers) {

    public AccountChanges {
        tokens = List.copyOf(tokens);
        goneTokens = List.copyOf(goneTokens);
        users = List.copyOf(users);
        goneUsers = List.copyOf(goneUsers);
    }

    public boolean isEmpty() {
        return tokens.isEmpty() && goneTokens.isEmpty() && users.isEmpty() && goneUsers.isEmpty();
    }

    /** Rows written or deleted. */
    public int size() {
        return tokens.size() + goneTokens.size() + users.size() + goneUsers.size();
    }
}
