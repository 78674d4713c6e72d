package workbook.epoll;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 11: a crash kills the JVM that has it, so it is replayed in a child JVM, which must exit normally. */
@Timeout(60)
class SmallStackTest {
    @Test
    void pollWithTheLargestEventCountOnA512KibStackDoesNotCrashTheJvm() throws Exception {
        ChildJvm.Finished probe = ChildJvm.run(SmallStackProbe.class);
        assertThat(probe.exitCode()).as("exit code (139 is death by SIGSEGV); output:\n%s", probe.output()).isZero();
        assertThat(probe.output()).contains("poll(0, 65536): []").contains("survived")
                .doesNotContain("WARNING");
    }
}
