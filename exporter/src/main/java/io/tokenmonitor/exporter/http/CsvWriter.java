package io.tokenmonitor.exporter.http;

import java.io.IOException;
import java.io.Writer;

/**
 * RFC 4180 rows: a cell with a comma, quote, CR or LF is quoted and its quotes doubled; lines end in CRLF. A cell
 * starting with {@code = + - @} (or a tab or CR) gets a leading {@code '}, so that a spreadsheet shows it as text
 * instead of running it as a formula (CSV injection: log content and other come from the gateway's clients). A
 * negative number such as a settlement's quota is written as it is: it is a number, not a formula.
 */
final class CsvWriter {
    private final Writer out;

    CsvWriter(Writer out) {
        this.out = out;
    }

    void row(String[] cells) throws IOException {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                out.write(',');
            }
            cell(cells[i]);
        }
        out.write("\r\n");
    }

    void row(java.util.List<String> cells) throws IOException {
        row(cells.toArray(String[]::new));
    }

    private void cell(String value) throws IOException {
        String text = guarded(value);
        boolean quote = false;
        for (int i = 0; i < text.length() && !quote; i++) {
            char c = text.charAt(i);
            quote = c == ',' || c == '"' || c == '\r' || c == '\n';
        }
        if (!quote) {
            out.write(text);
            return;
        }
        out.write('"');
        out.write(text.replace("\"", "\"\""));
        out.write('"');
    }

    static String guarded(String value) {
        if (value.isEmpty() || value.matches("-?\\d+(\\.\\d+)?")) {
            return value;
        }
        char first = value.charAt(0);
        if (first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r') {
            return "'" + value;
        }
        return value;
    }
}
