package workbook.epoll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static workbook.epoll.Waits.QUIET;
import static workbook.epoll.Waits.READY;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** select's semantics, shown on a real TCP connection over loopback, as EpollTest shows epoll's. */
@Timeout(30)
class SelectTest {
    private static final List<Integer> NONE = List.of();

    @Test
    void reportsReadableWhileDataRemains() throws Exception {
        try (Connection c = Connection.open()) {
            int fd = c.server.fileno();
            assertThat(Select.select(List.of(fd), NONE, NONE, QUIET)).isEqualTo(new Select.Ready(NONE, NONE, NONE));
            c.clientSends(2048);
            assertThat(Select.select(List.of(fd), NONE, NONE, READY).readable()).containsExactly(fd);
            assertThat(c.server.recv(1024)).hasSize(1024);
            assertThat(Select.select(List.of(fd), NONE, NONE, QUIET).readable()).as("1 KiB left").containsExactly(fd);
        }
    }

    @Test
    void reportsWritableAndKeepsTheOrderOfTheListsGiven() throws Exception {
        try (Connection c = Connection.open()) {
            int server = c.server.fileno();
            int listener = c.listener.fileno();
            Select.Ready ready = Select.select(List.of(listener, server), List.of(listener, server), NONE, READY);
            assertThat(ready.readable()).as("no connection waiting, no data").isEmpty();
            assertThat(ready.writable()).containsExactly(server);
            assertThat(Select.select(NONE, List.of(server, listener, server), NONE, 0).writable())
                    .as("Python lists a descriptor given twice twice").containsExactly(server, server);
        }
    }

    @Test
    void thereIsNoHangUpEventAShutDownSocketIsReadableAndReadsEndOfStream() throws Exception {
        try (Connection c = Connection.open()) {
            int fd = c.server.fileno();
            c.server.shutdown(LinuxSocket.SHUT_RDWR);
            assertThat(Select.select(List.of(fd), NONE, NONE, READY).readable()).containsExactly(fd);
            assertThat(c.server.recv(1024)).as("end of stream").isEmpty();
        }
    }

    @Test
    void urgentDataIsTheExceptionalCondition() throws Exception {
        try (Connection c = Connection.open()) {
            int fd = c.server.fileno();
            c.client.sendUrgentData(1);
            assertThat(Select.select(NONE, NONE, List.of(fd), READY).exceptional()).containsExactly(fd);
        }
    }

    @Test
    void aDescriptorAtOrAboveFdSetsizeOrNegativeIsRefusedBeforeTheCallAsInPython() {
        int tooHigh = Select.FD_SETSIZE;
        for (List<List<Integer>> lists : List.of(List.of(List.of(tooHigh), NONE, NONE), List.of(NONE, List.of(0, tooHigh), NONE),
                List.of(NONE, NONE, List.of(-1)), List.of(List.of(Integer.MAX_VALUE), NONE, NONE))) {
            assertThatThrownBy(() -> Select.select(lists.get(0), lists.get(1), lists.get(2), 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("filedescriptor out of range in select()");
        }
        // The C side refuses them too, rather than write past the 1024-bit set.
        for (int fd : new int[] {tooHigh, -1, Integer.MIN_VALUE}) {
            assertThat(Native.errnoName(-Native.select(new int[] {fd}, new int[0], new int[0], 0))).isEqualTo("EINVAL");
        }
    }

    @Test
    void aClosedDescriptorIsEbadf() throws Exception {
        LinuxSocket socket = LinuxSocket.tcp();
        int closed = socket.fileno();
        socket.close();
        // (A number beyond the process's descriptor table, though below FD_SETSIZE, the kernel skips without a word.)
        assertThatThrownBy(() -> Select.select(List.of(closed), NONE, NONE, 0))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errnoName()).isEqualTo("EBADF"))
                .hasMessageStartingWith("select(1 fds): ");
    }

    @Test
    void timeoutsAreSecondsNotNegativeNotNanAndAWaitNeverEndsEarly() throws Exception {
        assertThatThrownBy(() -> Select.select(NONE, NONE, NONE, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout must be non-negative, not -1.0");
        assertThatThrownBy(() -> Select.select(NONE, NONE, NONE, Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeoutSeconds must be a number of seconds, not NaN");
        assertThatThrownBy(() -> Select.select(NONE, NONE, NONE, Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class);
        long start = System.nanoTime();
        assertThat(Select.select(NONE, NONE, NONE, 0.05)).isEqualTo(new Select.Ready(NONE, NONE, NONE));
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms waited, asked for 50").isGreaterThanOrEqualTo(50);
    }

    @Test
    void withoutATimeoutItWaitsUntilSomethingIsReady() throws Exception {
        try (Connection c = Connection.open()) {
            assertThat(Select.select(NONE, List.of(c.server.fileno()), NONE).writable()).containsExactly(c.server.fileno());
        }
    }

    @Test
    void nullsAreNullPointerExceptions() {
        assertThatThrownBy(() -> Select.select(null, NONE, NONE, 0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Select.select(Arrays.asList(1, null), NONE, NONE, 0)).isInstanceOf(NullPointerException.class);
    }
}
