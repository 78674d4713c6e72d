package bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import testkit.Await;
import testkit.ChapterProcess;
import testkit.Proc;

/** The idle crowd and the C reference, end to end on loopback: what the scaling experiment stands on. */
class CrowdProcessTest {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    @Test
    void holdsIdleConnectionsFromOtherLoopbackAddressesThenResetsThem() {
        try (Server.Running server = Server.C_REF.start(128)) {
            int base = Proc.openSockets(server.pid());
            try (CrowdProcess crowd = new CrowdProcess(server, true)) {
                assertThat(crowd.growTo(300)).isNull();
                assertThat(crowd.open()).isEqualTo(300);
                Await.until(() -> Proc.openSockets(server.pid()) == base + 300, LIMIT, "the server to hold all 300");
                assertThat(crowd.closedByServer()).isZero();
            }
            // Reset, they leave no TIME_WAIT; the server reads the reset and closes each.
            Await.until(() -> Proc.openSockets(server.pid()) == base, LIMIT, "the server to close them");
        }
    }

    @Test
    void theCReferenceRestsInsteadOfSpinningWhenOutOfDescriptors() {
        // 32 descriptors: after some 28 connections accept4 fails with EMFILE and the rest wait in the queue,
        // which level-triggered epoll reports again at once: a server that retried would burn a core.
        String c = Server.TARGET.resolve("epoll-server").toString();
        try (Server.Running server = new Server.Running(Server.C_REF, 128,
                ChapterProcess.startQuiet(List.of("/bin/sh", "-c", "ulimit -n 32 && exec \"$0\" 0 128", c)));
             CrowdProcess crowd = new CrowdProcess(server, true)) {
            crowd.growTo(60);
            server.process().awaitStderr("accept4: Too many open files", LIMIT);
            // A measuring window, not a wait for something: CPU time can only be compared over an interval.
            long failures = failures(server);
            long ticks = Proc.cpuTicks(server.pid());
            LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
            assertThat(Proc.cpuTicks(server.pid()) - ticks).as("CPU ticks in 1 s with connections it cannot accept").isLessThanOrEqualTo(30);
            assertThat(failures(server) - failures).as("failed accepts reported in 1 s").isLessThanOrEqualTo(5);
        }
    }

    private static long failures(Server.Running server) {
        return server.process().stderr().lines().filter(l -> l.startsWith("accept4:")).count();
    }
}
