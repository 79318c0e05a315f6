package io.tokenmonitor.exporter.bench;

/** Sums samples in a Prometheus text exposition without a full parse (cheap enough to run every 50 ms). */
final class Exposition {

    private Exposition() {}

    /** The sum of every sample of {@code name} (any labels). */
    static double sum(String text, String name) {
        return sumWithLabel(text, name, "");
    }

    /** The sum of the samples of {@code name} whose label set contains {@code labelText} (e.g. {@code area="heap"}). */
    static double sumWithLabel(String text, String name, String labelText) {
        double sum = 0;
        int from = 0;
        while ((from = text.indexOf(name, from)) >= 0) {
            boolean lineStart = from == 0 || text.charAt(from - 1) == '\n';
            int end = text.indexOf('\n', from);
            if (end < 0) {
                end = text.length();
            }
            char next = from + name.length() < text.length() ? text.charAt(from + name.length()) : '\n';
            if (lineStart && (next == '{' || next == ' ')) {
                String line = text.substring(from, end);
                if (labelText.isEmpty() || line.contains(labelText)) {
                    String[] parts =
                            line.substring(line.lastIndexOf('}') + 1).trim().split(" ");
                    sum += Double.parseDouble(parts[0]);
                }
            }
            from = end;
        }
        return sum;
    }

    /** Number of samples in a whole exposition: every line that is neither a comment ({@code # HELP}, {@code # EOF}) nor blank. */
    static int samples(String text) {
        return (int)
                text.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).count();
    }

    /** Number of samples (lines) of {@code name}. */
    static int count(String text, String name) {
        int count = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                count++;
            }
        }
        return count;
    }
}
