package io.tokenmonitor.bridge.breaker;

import java.util.Locale;

/** What the breaker acts on: one gateway channel, API key ({@code tokens} row) or user, by its id. */
public record Target(Kind kind, long id) {

    /** The gateway tables the breaker can switch rows off in; the lower-case name is the audit's {@code target}. */
    public enum Kind {
        CHANNEL("channel", "渠道"),
        TOKEN("key", "令牌"),
        USER("user", "用户");

        private final String noun;
        private final String nounZh;

        Kind(String noun, String nounZh) {
            this.noun = noun;
            this.nounZh = nounZh;
        }

        /** The value of breaker_audit.target. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** What an operator calls it: channel, key, user. */
        public String noun() {
            return noun;
        }

        public String nounZh() {
            return nounZh;
        }

        /** Reads breaker_audit.target. */
        public static Kind of(String label) {
            return valueOf(label.toUpperCase(Locale.ROOT));
        }
    }

    public static Target channel(long id) {
        return new Target(Kind.CHANNEL, id);
    }

    public static Target token(long id) {
        return new Target(Kind.TOKEN, id);
    }

    public static Target user(long id) {
        return new Target(Kind.USER, id);
    }

    /** "channel #3", "key #12", "user #7". */
    @Override
    public String toString() {
        return kind.noun() + " #" + id;
    }
}
