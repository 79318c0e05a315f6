package io.tokenmonitor.exporter.bench;

import io.tokenmonitor.exporter.model.Channel;
import io.tokenmonitor.exporter.model.ClassifiedRow;
import io.tokenmonitor.exporter.model.LogRow;
import io.tokenmonitor.exporter.model.SyncPosition;
import io.tokenmonitor.exporter.model.Token;
import io.tokenmonitor.exporter.model.UsageTotals;
import io.tokenmonitor.exporter.model.User;
import io.tokenmonitor.exporter.source.GatewayFlavor;
import io.tokenmonitor.exporter.store.AccountChanges;
import io.tokenmonitor.exporter.store.Store;
import io.tokenmonitor.exporter.sync.RowClassifier;
import io.tokenmonitor.exporter.testing.Classifiers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A big store written the way a first backfill of a New API gateway writes it ({@link Store#commit} in batches of
 * 5,000, then {@link Store#finishFirstBackfill}, which builds the indexes deferred during the backfill): 10,000 keys
 * of 2,000 users in 5 groups, 20 channels × 40 models, the rows spread evenly over the days up to now. About 3% are
 * errors (type 5, New API's {@code other} with error_type, error_code, status_code), 0.3% refunds (type 6), and a
 * third of the requests read the prompt cache ({@code other.cache_tokens}, {@code cache_ratio}). Keys, users and
 * channels are in the store's copies too, as the sync keeps them, so the dashboards' joins find their names.
 *
 * <pre>
 * java … io.tokenmonitor.exporter.bench.StoreFill --out store.db [--rows 5000000] [--days 30]
 * </pre>
 */
public final class StoreFill {

    static final int KEYS = 10_000;
    static final int USERS = 2_000;
    static final int GROUPS = 5;
    static final int CHANNELS = 20;
    static final int MODELS = 40;
    private static final int BATCH = 5_000;
    private static final List<Integer> ERROR_STATUS = List.of(429, 500, 502, 400, 503);

    private StoreFill() {}

    public static void main(String[] args) {
        Path out = null;
        int rows = 5_000_000;
        long days = 30;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[i + 1]);
                case "--rows" -> rows = Integer.parseInt(args[i + 1]);
                case "--days" -> days = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (out == null || Files.exists(out)) {
            throw new IllegalArgumentException("--out must name a store file that does not exist yet: " + out);
        }
        try (Store store = Store.open(out)) {
            write(store, rows, days);
        }
    }

    /** Fills {@code store} (a new one) with {@code rows} rows over the last {@code days} days and prints the rate. */
    static void write(Store store, int rows, long days) {
        long start = System.nanoTime();
        store.saveQuotaPerUnit(500_000);
        store.saveChannels(channels());
        store.saveAccountChanges(accounts());
        rows(store, rows, days);
        store.finishFirstBackfill();
        double seconds = (System.nanoTime() - start) / 1e9;
        long megabytes;
        try {
            megabytes = Files.size(store.file()) / 1_000_000;
        } catch (java.io.IOException e) {
            megabytes = -1;
        }
        System.out.printf(
                "filled the store (first backfill, indexes built at its end): %,d rows in %.1f s, %,.0f rows/s;"
                        + " %,d keys, %,d users, %d groups, %d channels x %d models, %d days; %,d MB%n",
                rows, seconds, rows / seconds, KEYS, USERS, GROUPS, CHANNELS, MODELS, days, megabytes);
    }

    private static List<Channel> channels() {
        List<Channel> out = new ArrayList<>();
        for (int c = 1; c <= CHANNELS; c++) {
            out.add(new Channel(Integer.toString(c), "channel-" + c, 1 + c % 3, "default", "", 1, 100.0 * c, 0.5));
        }
        return out;
    }

    private static AccountChanges accounts() {
        long now = Instant.now().getEpochSecond();
        List<Token> tokens = new ArrayList<>();
        for (int key = 1; key <= KEYS; key++) {
            long user = 1 + key % USERS;
            tokens.add(new Token(
                    key,
                    user,
                    "key-" + key,
                    Token.ENABLED,
                    "group-" + user % GROUPS,
                    1_000_000,
                    0,
                    false,
                    now - 90 * 86_400L,
                    now,
                    Token.NEVER_EXPIRES,
                    false));
        }
        List<User> users = new ArrayList<>();
        for (int user = 1; user <= USERS; user++) {
            users.add(new User(user, "user-" + user, 1, User.ENABLED, "group-" + user % GROUPS, 0, 0, 0, false));
        }
        return new AccountChanges(tokens, List.of(), users, List.of());
    }

    private static void rows(Store store, int rows, long days) {
        RowClassifier classifier = Classifiers.uncapped(GatewayFlavor.NEW_API);
        Random random = new Random(15);
        long now = Instant.now().getEpochSecond();
        long from = now - days * 86_400;
        UsageTotals totals = UsageTotals.EMPTY;
        List<ClassifiedRow> batch = new ArrayList<>(BATCH);
        for (int i = 1; i <= rows; i++) {
            long createdAt = from + (long) ((double) i / rows * days * 86_400);
            batch.add(classifier.classify(row(random, i, createdAt)));
            if (batch.size() == BATCH || i == rows) {
                totals = store.commit(
                        batch,
                        new SyncPosition("bench", i, createdAt, List.of()),
                        totals,
                        0,
                        Long.MIN_VALUE,
                        Long.MIN_VALUE);
                batch.clear();
            }
        }
    }

    static LogRow row(Random random, long id, long createdAt) {
        int key = 1 + random.nextInt(KEYS);
        int user = 1 + key % USERS;
        int channel = 1 + random.nextInt(CHANNELS);
        String model = "model-" + random.nextInt(MODELS);
        double roll = random.nextDouble();
        int type = 2;
        String content = "";
        long quota;
        long prompt = 0;
        long completion = 0;
        long useTime = 0;
        boolean stream = false;
        String other;
        if (roll < 0.03) {
            int status = ERROR_STATUS.get(random.nextInt(ERROR_STATUS.size()));
            type = 5;
            quota = 0;
            content = "status_code=" + status + ", upstream error";
            other = String.format(
                    Locale.ROOT,
                    "{\"error_type\":\"upstream_error\",\"error_code\":\"%s\",\"status_code\":%d,"
                            + "\"channel_id\":%d,\"admin_info\":{\"use_channel\":[\"%d\"]}}",
                    status == 429 ? "rate_limit_exceeded" : "bad_response_status_code",
                    status,
                    channel,
                    channel);
        } else if (roll > 0.997) {
            type = 6;
            quota = 2_000 + random.nextInt(20_000);
            content = "异步任务失败，退还额度";
            other = "{\"task_id\":\"task_" + id + "\"}";
        } else {
            prompt = 100 + random.nextInt(3000);
            completion = random.nextInt(1000);
            long cache = random.nextInt(3) == 0 ? prompt / 2 : 0;
            quota = prompt - cache / 2 + 4 * completion;
            useTime = 1000L * random.nextInt(30);
            stream = random.nextBoolean();
            other = String.format(
                    Locale.ROOT,
                    "{\"model_ratio\":1,\"group_ratio\":1,\"completion_ratio\":4,\"cache_tokens\":%d,"
                            + "\"cache_ratio\":0.5,\"frt\":%d,\"admin_info\":{\"use_channel\":[\"%d\"]}}",
                    cache,
                    300 + random.nextInt(1500),
                    channel);
        }
        return new LogRow(
                id,
                createdAt,
                type,
                user,
                "user-" + user,
                "key-" + key,
                model,
                quota,
                prompt,
                completion,
                useTime,
                stream,
                channel,
                "group-" + user % GROUPS,
                other,
                content,
                "req-" + id,
                "10.0." + (user % 250) + "." + (key % 250),
                0,
                key);
    }
}
