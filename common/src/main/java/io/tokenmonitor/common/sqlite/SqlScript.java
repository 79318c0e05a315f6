package io.tokenmonitor.common.sqlite;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a SQL script into statements at the semicolons that end them. Comments ({@code --} to the end of the line,
 * {@code /* … *}{@code /}) are dropped; a semicolon inside a string ({@code '…'}), a quoted name ({@code "…"},
 * {@code `…`}, {@code […]}), a {@code CASE … END} or the {@code BEGIN … END} body of a {@code CREATE TRIGGER} does
 * not end a statement.
 */
public final class SqlScript {
    private SqlScript() {}

    /** The statements of {@code sql}, stripped, without comments and without their closing semicolon. */
    public static List<String> statements(String sql) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        List<String> leadingWords = new ArrayList<>(); // the statement's first words, to recognise CREATE … TRIGGER
        int depth = 0; // open BEGIN (of a trigger) and CASE blocks
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
                continue;
            }
            if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int close = sql.indexOf("*/", i + 2);
                i = close < 0 ? n : close + 2;
                current.append(' ');
                continue;
            }
            if (c == '\'' || c == '"' || c == '`' || c == '[') {
                char end = c == '[' ? ']' : c;
                int j = i + 1;
                while (j < n) {
                    if (sql.charAt(j) == end) {
                        if (end != ']' && j + 1 < n && sql.charAt(j + 1) == end) {
                            j += 2; // a doubled quote stands for itself
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                j = Math.min(j + 1, n);
                current.append(sql, i, j);
                i = j;
                continue;
            }
            if (Character.isLetter(c) || c == '_') {
                int j = i;
                while (j < n
                        && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_' || sql.charAt(j) == '$')) {
                    j++;
                }
                String word = sql.substring(i, j).toUpperCase(Locale.ROOT);
                if (leadingWords.size() < 4) {
                    leadingWords.add(word);
                }
                if (word.equals("CASE") || (word.equals("BEGIN") && isTrigger(leadingWords))) {
                    depth++;
                } else if (word.equals("END") && depth > 0) {
                    depth--;
                }
                current.append(sql, i, j);
                i = j;
                continue;
            }
            if (c == ';' && depth == 0) {
                add(out, current);
                current.setLength(0);
                leadingWords.clear();
                i++;
                continue;
            }
            current.append(c);
            i++;
        }
        add(out, current);
        return out;
    }

    private static boolean isTrigger(List<String> words) {
        return !words.isEmpty() && words.get(0).equals("CREATE") && words.contains("TRIGGER");
    }

    private static void add(List<String> out, StringBuilder statement) {
        String s = statement.toString().strip();
        if (!s.isEmpty()) {
            out.add(s);
        }
    }
}
