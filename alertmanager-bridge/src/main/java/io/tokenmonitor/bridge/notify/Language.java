package io.tokenmonitor.bridge.notify;

import java.util.Locale;

/** The words of a message, in Chinese (the original Token Monitor's default) or English. */
public enum Language {
    ZH(
            "告警",
            "已恢复",
            "测试消息",
            "级别",
            "摘要",
            "详情",
            "开始时间",
            "恢复时间",
            "标签",
            "说明",
            "运行手册",
            "仪表盘",
            "静默",
            "来源",
            "这是 Token Monitor 告警桥的测试消息。"),
    EN(
            "FIRING",
            "RESOLVED",
            "TEST",
            "Severity",
            "Summary",
            "Description",
            "Started",
            "Resolved",
            "Labels",
            "Note",
            "Runbook",
            "Dashboard",
            "Silence",
            "Source",
            "This is a test message from the Token Monitor alert bridge.");

    final String firing;
    final String resolved;
    final String test;
    final String severity;
    final String summary;
    final String description;
    final String started;
    final String ended;
    final String labels;
    final String note;
    final String runbook;
    final String dashboard;
    final String silence;
    final String source;
    final String testText;

    Language(
            String firing,
            String resolved,
            String test,
            String severity,
            String summary,
            String description,
            String started,
            String ended,
            String labels,
            String note,
            String runbook,
            String dashboard,
            String silence,
            String source,
            String testText) {
        this.firing = firing;
        this.resolved = resolved;
        this.test = test;
        this.severity = severity;
        this.summary = summary;
        this.description = description;
        this.started = started;
        this.ended = ended;
        this.labels = labels;
        this.note = note;
        this.runbook = runbook;
        this.dashboard = dashboard;
        this.silence = silence;
        this.source = source;
        this.testText = testText;
    }

    /** Reads {@code zh} or {@code en}. */
    public static Language parse(String text) {
        return switch (text == null ? "" : text.strip().toLowerCase(Locale.ROOT)) {
            case "zh", "zh-cn", "cn" -> ZH;
            case "en", "en-us" -> EN;
            default -> throw new IllegalArgumentException("\"" + text + "\" is not a language; use zh or en");
        };
    }

    /** Picks the Chinese or English variant of a sentence. */
    public String pick(String zh, String en) {
        return this == ZH ? zh : en;
    }

    /** The caption of a group message's labels line. */
    String groupLabels() {
        return pick("分组", "Group");
    }

    /** The count line of a group message, e.g. "3 firing, 2 resolved"; a zero count is left out. */
    String groupCounts(int firing, int resolved) {
        String zh = (firing > 0 ? firing + " 条告警" : "")
                + (firing > 0 && resolved > 0 ? "，" : "")
                + (resolved > 0 ? resolved + " 条已恢复" : "");
        String en = (firing > 0 ? firing + " firing" : "")
                + (firing > 0 && resolved > 0 ? ", " : "")
                + (resolved > 0 ? resolved + " resolved" : "");
        return pick(zh, en);
    }
}
