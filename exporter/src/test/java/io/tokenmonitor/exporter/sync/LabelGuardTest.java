package io.tokenmonitor.exporter.sync;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LabelGuardTest {

    @Test
    void givenCapReached_whenNewValueArrives_thenItFoldsIntoOtherWhileKnownValuesStay() {
        LabelGuard guard = new LabelGuard(2, List.of("gpt-4o"));

        assertThat(guard.admit("claude")).isEqualTo("claude");
        assertThat(guard.admit("random-123")).isEqualTo(LabelGuard.OTHER);
        assertThat(guard.admit("gpt-4o")).isEqualTo("gpt-4o");
        assertThat(guard.admit("claude")).isEqualTo("claude");
    }
}
