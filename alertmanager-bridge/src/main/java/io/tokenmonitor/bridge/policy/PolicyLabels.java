package io.tokenmonitor.bridge.policy;

import io.tokenmonitor.bridge.breaker.Target;
import io.tokenmonitor.common.alert.AccountId;
import io.tokenmonitor.common.alert.Action;
import io.tokenmonitor.common.alert.ChannelId;
import io.tokenmonitor.common.alert.PolicyLabel;
import io.tokenmonitor.common.time.ActiveWindow;
import io.tokenmonitor.common.time.IanaZone;
import io.tokenmonitor.common.time.PromDuration;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The policy an alert asks for through its labels (docs/alert-labels.md), with the configured defaults filled in. A bad
 * label value does not drop the alert: the default applies and the problem is shown in the message. The values
 * are read with the shared grammars, as the exporter writes them.
 */
public record PolicyLabels(
        List<String> targets,
        ActiveWindow window,
        ZoneId zone,
        Duration cooldown,
        Action action,
        Optional<Long> channelId,
        Optional<Long> tokenId,
        Optional<Long> userId,
        String severity,
        List<Problem> problems) {

    /**
     * What a firing alert asks the breaker to switch off: the channel, key or user its action names, when the alert
     * carries that id; empty for {@code notify} or a missing id.
     */
    public Optional<Target> breakerTarget() {
        return switch (action) {
            case NOTIFY -> Optional.empty();
            case DISABLE_CHANNEL -> channelId.map(Target::channel);
            case DISABLE_TOKEN -> tokenId.map(Target::token);
            case DISABLE_USER -> userId.map(Target::user);
        };
    }

    /** The label the alert's action needs ({@code channel_id}, {@code token_id}, {@code user_id}); empty for notify. */
    public Optional<PolicyLabel> breakerLabel() {
        return switch (action) {
            case NOTIFY -> Optional.empty();
            case DISABLE_CHANNEL -> Optional.of(PolicyLabel.CHANNEL_ID);
            case DISABLE_TOKEN -> Optional.of(PolicyLabel.TOKEN_ID);
            case DISABLE_USER -> Optional.of(PolicyLabel.USER_ID);
        };
    }

    /** A label whose value could not be used. */
    public record Problem(String label, String message) {}

    public PolicyLabels {
        targets = List.copyOf(targets);
        problems = List.copyOf(problems);
    }

    /** Reads the policy labels of {@code labels}; {@code targets} is empty when the alert names none (all targets). */
    public static PolicyLabels of(Map<String, String> labels, AlertDefaults defaults) {
        List<Problem> problems = new ArrayList<>();
        // Names are not checked here: a name no target has is counted as unknown_target where it is used.
        List<String> targets = Arrays.stream(
                        labels.getOrDefault(PolicyLabel.NOTIFY.label(), "").split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .distinct()
                .toList();
        ActiveWindow window = read(labels, PolicyLabel.ACTIVE, ActiveWindow::parse, defaults.active(), problems);
        ZoneId zone = read(labels, PolicyLabel.TZ, IanaZone::parse, defaults.zone(), problems);
        Duration cooldown = read(labels, PolicyLabel.COOLDOWN, PromDuration::parse, defaults.cooldown(), problems);
        Action action = read(labels, PolicyLabel.ACTION, Action::parse, Action.NOTIFY, problems);
        Optional<Long> channelId =
                Optional.ofNullable(read(labels, PolicyLabel.CHANNEL_ID, ChannelId::parse, null, problems));
        Optional<Long> tokenId =
                Optional.ofNullable(read(labels, PolicyLabel.TOKEN_ID, AccountId::token, null, problems));
        Optional<Long> userId = Optional.ofNullable(read(labels, PolicyLabel.USER_ID, AccountId::user, null, problems));
        String severity = Optional.ofNullable(labels.get(PolicyLabel.SEVERITY.label()))
                .map(s -> s.strip().toLowerCase(Locale.ROOT))
                .filter(s -> !s.isEmpty())
                .orElse(defaults.severity());
        return new PolicyLabels(
                targets, window, zone, cooldown, action, channelId, tokenId, userId, severity, problems);
    }

    private static <T> T read(
            Map<String, String> labels,
            PolicyLabel label,
            BiFunction<String, String, T> parser,
            T fallback,
            List<Problem> problems) {
        String name = label.label();
        String value = labels.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return parser.apply(name, value.strip());
        } catch (IllegalArgumentException e) {
            // The shared grammars name the key first ("active: …"); the note names the label itself.
            problems.add(new Problem(name, e.getMessage().replaceFirst("^" + name + ": ", "")));
            return fallback;
        }
    }
}
