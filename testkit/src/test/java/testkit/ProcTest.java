package testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProcTest {

    private static final long SELF = ProcessHandle.current().pid();

    @Test
    void splitsCpuTimeBySystemAndByThread() {
        long self = ProcessHandle.current().pid();
        long before = Proc.threadCpuTicks(self, "spinner");
        Thread spinner = new Thread(() -> {
            long end = System.nanoTime() + 300_000_000L; // a measured load, not a wait: 0.3 s of CPU
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
        }, "spinner-1");
        spinner.start();
        Await.until(() -> Proc.threadCpuTicks(self, "spinner") > before, java.time.Duration.ofSeconds(10), "the spinner's ticks");
        assertThat(Proc.threadCpuTicks(self, "no thread is called this")).isZero();
        assertThat(Proc.systemTicks(self)).isBetween(0L, Proc.cpuTicks(self));
    }

    @Test
    void cpuTicksAreCountedAfterTheLastParenthesis() {
        // A thread may name itself anything, ") S 1 2 3" included: fields start after the last ')'.
        String stat = "4242 (evil) S 1 2 3) R 1 4242 4242 0 -1 4194560 2216 0 0 0 70 30 0 0 20 0 19 0"
                + " 1234 5000000 3000 18446744073709551615 1 1 0 0 0 0 0 4096 17 1 0 0 0 0 0\n";
        assertThat(Proc.parseCpuTicks(stat)).isEqualTo(100); // utime 70 + stime 30
    }

    @Test
    void rssIsTheVmRssLine() {
        String status = "Name:\tjava\nVmPeak:\t 3000000 kB\nVmHWM:\t   50000 kB\nVmRSS:\t   41234 kB\nThreads:\t19\n";
        assertThat(Proc.parseRssKiB(status)).isEqualTo(41234);
    }

    @Test
    void listenersAreTheListenLinesWithPortQueueAndInode() throws IOException {
        String tcp = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
                + "   0: 00000000:1F90 00000000:0000 0A 00000000:00000002 00:00000000 00000000  0  0 1065 1\n"
                + "   1: 00000000:1F91 00000000:0000 0A 00000000:00000007 00:00000000 00000000  0  0 1066 1\n"
                + "   2: 0100007F:1F90 0100007F:D431 01 00000000:00000005 00:00000000 00000000  0  0 2000 1\n"
                + "   3: 0100007F:2710 0100007F:D432 0A 00000000:00000009 00:00000000 00000000  0  0 2001 1\n";
        // Not the established connection on port 8080; listening sockets come
        // first, so reading stops there and port 10000 is never reached.
        assertThat(Proc.parseTcpTable(tcp.lines(), true).stream().map(Proc.Listener::of)).containsExactly(
                new Proc.Listener(8080, 2, 1065), new Proc.Listener(8081, 7, 1066));
    }

    @Test
    @SuppressWarnings("try") // the resources only need to exist
    void acceptQueueCountsHandshakesTheServerHasNotAccepted() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             Socket first = new Socket(server.getInetAddress(), server.getLocalPort());
             Socket second = new Socket(server.getInetAddress(), server.getLocalPort())) {
            int port = server.getLocalPort();
            Await.until(() -> Proc.acceptQueueLength(port) == 2, Duration.ofSeconds(5), "2 queued connections");
            server.accept().close();
            assertThat(Proc.acceptQueueLength(port)).isEqualTo(1);
        }
    }

    @Test
    @SuppressWarnings("try") // the resources only need to exist
    void openSocketsFollowSocketsOfThisProcess() throws Exception {
        // Exact counts for sockets only: this JVM may open some other file meanwhile.
        Set<Long> before = Proc.socketInodes(SELF);
        try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
            assertThat(Proc.openSockets(SELF)).isEqualTo(before.size() + 2);
            assertThat(Proc.socketInodes(SELF)).containsAll(before).hasSize(before.size() + 2);
        }
        assertThat(Proc.socketInodes(SELF)).isEqualTo(before);
    }

    @Test
    void listeningPortIsFoundThroughTheSocketsInode() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(Proc.listeners()).anySatisfy(l -> assertThat(l.port()).isEqualTo(server.getLocalPort()));
            // Assumes this is the only listening socket of the test JVM: no other test leaves one open.
            assertThat(Proc.listeningPort(SELF)).hasValue(server.getLocalPort());
        }
        assertThat(Proc.listeningPort(SELF)).isEmpty();
    }

    @Test
    void cpuTicksGrowWhileThisProcessComputes() {
        long before = Proc.cpuTicks(SELF);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        long spins = 0;
        while (Proc.cpuTicks(SELF) == before && System.nanoTime() < deadline) {
            spins++; // burn CPU: a tick is 10 ms of it
        }
        assertThat(Proc.cpuTicks(SELF)).as("after %d spins", spins).isGreaterThan(before);
    }

    @Test
    void rssOfAJvmIsMegabytes() {
        assertThat(Proc.rssKiB(SELF)).isBetween(10_000L, 10_000_000L);
    }

    @Test
    void aMissingProcessSaysSo() {
        long noSuchPid = Long.MAX_VALUE; // far above pid_max
        assertThatThrownBy(() -> Proc.openSockets(noSuchPid))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("has the process exited?");
    }
}
