package io.tokenmonitor.common.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class SqlScriptTest {

    static Stream<Arguments> scripts() {
        return Stream.of(
                Arguments.of(
                        "plain",
                        "CREATE TABLE a (x);\nCREATE TABLE b (y);",
                        List.of("CREATE TABLE a (x)", "CREATE TABLE b (y)")),
                Arguments.of("no closing semicolon", "SELECT 1", List.of("SELECT 1")),
                Arguments.of("two on one line", "SELECT 1; SELECT 2;", List.of("SELECT 1", "SELECT 2")),
                Arguments.of(
                        "line comments with ; and '",
                        "-- it's; a comment\nSELECT 1; -- trailing; 'x\nSELECT 2;",
                        List.of("SELECT 1", "SELECT 2")),
                Arguments.of(
                        "block comment with ;",
                        "/* a; b; 'c */ SELECT 1;/**/SELECT 2",
                        List.of("SELECT 1", "SELECT 2")),
                Arguments.of(
                        "semicolon in string",
                        "INSERT INTO t VALUES ('a;b', 'it''s; fine');",
                        List.of("INSERT INTO t VALUES ('a;b', 'it''s; fine')")),
                Arguments.of(
                        "-- inside string",
                        "INSERT INTO t VALUES ('--not a comment;');",
                        List.of("INSERT INTO t VALUES ('--not a comment;')")),
                Arguments.of(
                        "quoted names",
                        "CREATE TABLE \"a;b\" (`c;d` INTEGER, [e;f] TEXT);",
                        List.of("CREATE TABLE \"a;b\" (`c;d` INTEGER, [e;f] TEXT)")),
                Arguments.of(
                        "trigger body",
                        "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  UPDATE b SET n = n + 1;\n  DELETE FROM c;\nEND;\nSELECT 1;",
                        List.of(
                                "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  UPDATE b SET n = n + 1;\n  DELETE FROM c;\nEND",
                                "SELECT 1")),
                Arguments.of(
                        "temp trigger with CASE in body",
                        "create temp trigger if not exists t before update on a begin select case when new.x < 0 then raise(abort, 'no;') end; end;select 2",
                        List.of(
                                "create temp trigger if not exists t before update on a begin select case when new.x < 0 then raise(abort, 'no;') end; end",
                                "select 2")),
                Arguments.of(
                        "CASE outside a trigger",
                        "SELECT CASE WHEN 1 THEN 'a' ELSE 'b' END; SELECT 2;",
                        List.of("SELECT CASE WHEN 1 THEN 'a' ELSE 'b' END", "SELECT 2")),
                Arguments.of("BEGIN as a statement", "BEGIN; SELECT 1; END;", List.of("BEGIN", "SELECT 1", "END")),
                Arguments.of(
                        "column named begin_ms",
                        "CREATE TABLE a (begin_ms INTEGER, end_ms INTEGER); SELECT 1;",
                        List.of("CREATE TABLE a (begin_ms INTEGER, end_ms INTEGER)", "SELECT 1")),
                Arguments.of("only comments", "-- nothing\n/* here */\n;\n", List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void givenScript_whenSplit_thenStatementsEndAtTheirSemicolonsOnly(String name, String sql, List<String> expected) {
        assertThat(SqlScript.statements(sql)).containsExactlyElementsOf(expected);
    }

    /** Both programs' released migrations (common/pom.xml maps them into the test classpath): one statement per CREATE/INSERT, no comment left. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "exporter/V001__init.sql,              12",
        "exporter/V002__optional_dimensions.sql, 1",
        "exporter/V003__gateway_options.sql,     2",
        "bridge/V001__init.sql,                11",
    })
    void givenReleasedMigration_whenSplit_thenOneStatementPerCommand(String script, int count) throws Exception {
        String sql;
        try (InputStream in = SqlScriptTest.class.getResourceAsStream(script)) {
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> statements = SqlScript.statements(sql);
        assertThat(statements).hasSize(count);
        assertThat(statements).allSatisfy(s -> {
            assertThat(s).matches("(?s)^(CREATE|INSERT) .*");
            assertThat(s).doesNotContain("--").doesNotEndWith(";");
        });
    }
}
