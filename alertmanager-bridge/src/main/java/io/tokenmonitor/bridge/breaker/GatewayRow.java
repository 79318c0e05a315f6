package io.tokenmonitor.bridge.breaker;

import java.util.Optional;

/**
 * A target's row as the breaker read it under its lock.
 *
 * @param name the key's or user's name, for the message (empty for channels: Prometheus names those)
 * @param otherInfo New API's {@code channels.other_info} where that column exists ("" when it is NULL); empty
 *     for keys, users and One API channels
 * @param refusal why the breaker must never switch this row off (an administrator), or empty
 */
record GatewayRow(int status, Optional<String> name, Optional<String> otherInfo, Optional<String> refusal) {}
