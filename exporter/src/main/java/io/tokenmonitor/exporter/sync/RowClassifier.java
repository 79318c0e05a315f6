package io.tokenmonitor.exporter.sync;

import io.tokenmonitor.exporter.model.ClassifiedRow;
import io.tokenmonitor.exporter.model.LogKind;
import io.tokenmonitor.exporter.model.LogRow;
import io.tokenmonitor.exporter.source.GatewayFlavor;
import java.util.List;

/** Decides what each gateway log row means, following the gateway's own log types. */
public final class RowClassifier {

    /** The token name the gateway gives its own channel tests. */
    static final String CHANNEL_TEST_TOKEN = "模型测试";

    private static final int TYPE_TOPUP = 1;
    private static final int TYPE_CONSUME = 2;
    private static final int TYPE_MANAGE = 3;
    private static final int TYPE_SYSTEM = 4;
    private static final int TYPE_ERROR_OR_TEST = 5;
    private static final int TYPE_REFUND = 6;
    private static final int TYPE_LOGIN = 7;
    private static final double MILLIS_PER_SECOND = 1000.0;

    private final GatewayFlavor flavor;
    private final LabelCaps caps;

    /** @param caps the caps on distinct label values, applied to every row classified */
    public RowClassifier(GatewayFlavor flavor, LabelCaps caps) {
        this.flavor = flavor;
        this.caps = caps;
    }

    public ClassifiedRow classify(LogRow row) {
        OtherFields other = OtherFields.parse(row.other());
        int problems = row.problems() + (other.valid() ? 0 : 1);
        LogKind kind = kindOf(row, other);

        long input = row.promptTokens();
        long output = row.completionTokens();
        if (input < 0 || output < 0) {
            problems++;
            input = Math.max(0, input);
            output = Math.max(0, output);
        }
        long consumed = 0;
        long refunded = 0;
        if (kind == LogKind.REQUEST || kind == LogKind.SETTLEMENT) {
            consumed = Math.max(0, row.quota());
            refunded = Math.max(0, -row.quota()); // a negative settlement gives quota back
        } else if (kind == LogKind.REFUND) {
            refunded = Math.max(0, row.quota());
            consumed = Math.max(0, -row.quota());
        }
        double duration = Double.NaN;
        double ttft = Double.NaN;
        if (kind == LogKind.REQUEST) {
            if (row.useTimeMillis() >= 0) {
                duration = row.useTimeMillis() / MILLIS_PER_SECOND;
            }
            if (row.stream() && other.frtMillis() > 0) {
                ttft = other.frtMillis() / MILLIS_PER_SECOND;
            }
        }
        boolean tokens = kind == LogKind.REQUEST;
        return caps.apply(new ClassifiedRow(
                row,
                kind,
                Long.toString(row.channelId()),
                row.modelName(),
                tokens ? input : 0,
                tokens ? output : 0,
                tokens ? other.cacheReadTokens() : 0,
                tokens ? other.cacheWriteTokens() : 0,
                consumed,
                refunded,
                duration,
                ttft,
                statusClass(kind, other.statusCode()),
                problems,
                List.of()));
    }

    private LogKind kindOf(LogRow row, OtherFields other) {
        return switch (row.type()) {
            case TYPE_CONSUME -> {
                if (CHANNEL_TEST_TOKEN.equals(row.tokenName())) {
                    yield LogKind.CHANNEL_TEST;
                }
                boolean noTokens = row.promptTokens() == 0 && row.completionTokens() == 0;
                yield other.taskSettlement() && noTokens ? LogKind.SETTLEMENT : LogKind.REQUEST;
            }
            case TYPE_ERROR_OR_TEST -> flavor == GatewayFlavor.NEW_API ? LogKind.ERROR : LogKind.CHANNEL_TEST;
            case TYPE_REFUND -> flavor == GatewayFlavor.NEW_API ? LogKind.REFUND : LogKind.UNKNOWN;
            case TYPE_TOPUP -> LogKind.TOPUP;
            case TYPE_MANAGE -> LogKind.MANAGE;
            case TYPE_SYSTEM -> LogKind.SYSTEM;
            case TYPE_LOGIN -> flavor == GatewayFlavor.NEW_API ? LogKind.LOGIN : LogKind.UNKNOWN;
            default -> LogKind.UNKNOWN;
        };
    }

    private static String statusClass(LogKind kind, int statusCode) {
        if (kind != LogKind.ERROR) {
            return "";
        }
        if (statusCode >= 400 && statusCode < 500) {
            return "4xx";
        }
        if (statusCode >= 500 && statusCode < 600) {
            return "5xx";
        }
        return "other";
    }
}
