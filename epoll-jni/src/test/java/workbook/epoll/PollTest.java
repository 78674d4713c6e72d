package workbook.epoll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static workbook.epoll.Poll.POLLERR;
import static workbook.epoll.Poll.POLLHUP;
import static workbook.epoll.Poll.POLLIN;
import static workbook.epoll.Poll.POLLNVAL;
import static workbook.epoll.Poll.POLLOUT;
import static workbook.epoll.Poll.POLLPRI;
import static workbook.epoll.Poll.POLLRDHUP;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * poll's semantics, shown on a real TCP connection over loopback, as
 * EpollTest shows epoll's. Timeouts are in milliseconds, as Python's
 * poll.poll takes them.
 */
@Timeout(30)
class PollTest {
    private static final int QUIET = Waits.QUIET_MILLIS;
    private static final int READY = Waits.READY_MILLIS;

    @Test
    void reportsReadableWhileDataRemainsAndNothingOnceItIsRead() throws Exception {
        try (Connection c = Connection.open()) {
            Poll poll = new Poll();
            poll.register(c.server.fileno(), POLLIN);
            c.clientSends(2048);
            assertThat(poll.poll(READY)).containsExactly(new Poll.Event(c.server.fileno(), POLLIN));
            assertThat(c.server.recv(1024)).hasSize(1024);
            assertThat(poll.poll(QUIET)).as("level-triggered: 1 KiB left").containsExactly(new Poll.Event(c.server.fileno(), POLLIN));
            assertThat(c.server.recv(1024)).hasSize(1024);
            assertThat(poll.poll(QUIET)).isEmpty();
        }
    }

    @Test
    void writableSocketReportsPolloutAndModifyChangesWhatIsWatched() throws Exception {
        try (Connection c = Connection.open()) {
            Poll poll = new Poll();
            poll.register(c.server.fileno(), POLLOUT);
            assertThat(poll.poll(READY)).containsExactly(new Poll.Event(c.server.fileno(), POLLOUT));
            poll.modify(c.server.fileno(), POLLIN);
            assertThat(poll.poll(QUIET)).as("nothing to read").isEmpty();
            poll.register(c.server.fileno(), POLLOUT); // again: not an error, the mask is replaced
            assertThat(poll.poll(0)).containsExactly(new Poll.Event(c.server.fileno(), POLLOUT));
        }
    }

    @Test
    void peerCloseReportsInAndRdhupAndRecvReturnsEmpty() throws Exception {
        try (Connection c = Connection.open()) {
            Poll poll = new Poll();
            poll.register(c.server.fileno(), POLLIN | POLLRDHUP);
            c.client.close();
            assertThat(poll.poll(READY)).containsExactly(new Poll.Event(c.server.fileno(), POLLIN | POLLRDHUP));
            assertThat(c.server.recv(1024)).as("end of stream").isEmpty();
        }
    }

    @Test
    void bothSidesClosedReportsHupEvenWithMaskZero() throws Exception {
        try (Connection c = Connection.open()) {
            Poll poll = new Poll();
            poll.register(c.server.fileno(), 0);
            c.client.close();
            c.server.shutdown(LinuxSocket.SHUT_RDWR);
            List<Poll.Event> events = poll.poll(READY);
            assertThat(events).hasSize(1);
            assertThat(events.get(0).events() & POLLHUP).as(events.toString()).isEqualTo(POLLHUP);
        }
    }

    @Test
    void resetByPeerReportsErrAndHupEvenWithMaskZero() throws Exception {
        try (Connection c = Connection.open()) {
            Poll poll = new Poll();
            poll.register(c.server.fileno(), 0);
            c.client.setSoLinger(true, 0);
            c.client.close();
            List<Poll.Event> events = poll.poll(READY);
            assertThat(events).hasSize(1);
            assertThat(events.get(0).events() & (POLLERR | POLLHUP)).as(events.toString()).isEqualTo(POLLERR | POLLHUP);
        }
    }

    @Test
    void aDescriptorThatIsNotOpenIsPollnvalAtOnce() throws Exception {
        Poll poll = new Poll();
        int neverOpened = 1 << 20; // above any open-file limit here
        poll.register(neverOpened, POLLIN);
        assertThat(poll.poll(READY)).containsExactly(new Poll.Event(neverOpened, POLLNVAL));
    }

    @Test
    void unregisteredDescriptorsAreNotWatched() throws Exception {
        try (Connection c = Connection.open()) {
            Poll poll = new Poll();
            poll.register(c.server.fileno(), POLLOUT);
            poll.register(c.listener.fileno(), POLLIN);
            poll.unregister(c.server.fileno());
            assertThat(poll.poll(QUIET)).isEmpty();
            assertThat(poll.poll(0)).as("an empty set only waits").isEmpty();
        }
    }

    @Test
    void modifyingAnUnregisteredFdIsEnoentAsInPython() throws Exception {
        Poll poll = new Poll();
        assertThatThrownBy(() -> poll.modify(7, POLLIN))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errnoName()).isEqualTo("ENOENT"))
                .hasMessage("modify(fd 7): [Errno 2 ENOENT] No such file or directory");
        assertThatThrownBy(() -> poll.unregister(7)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fd 7 is not registered");
    }

    @Test
    void badArgumentsAreIllegalArgumentsNamedInOneLine() {
        Poll poll = new Poll();
        assertThatThrownBy(() -> poll.register(-1, POLLIN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("file descriptor cannot be a negative integer (-1)");
        assertThatThrownBy(() -> poll.register(3, 0x10000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("eventmask must be 0..0xffff, not 0x10000");
        assertThatThrownBy(() -> poll.register(3, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> poll.modify(3, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theTimeoutIsInMillisecondsAndAWaitNeverEndsEarly() throws Exception {
        Poll poll = new Poll();
        long start = System.nanoTime();
        assertThat(poll.poll(50)).isEmpty();
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms waited, asked for 50").isGreaterThanOrEqualTo(50);
    }

    @Test
    void aNegativeTimeoutOrNoneWaitsForeverWhichAReadySocketEndsAtOnce() throws Exception {
        try (Connection c = Connection.open()) {
            Poll poll = new Poll();
            poll.register(c.server.fileno(), POLLOUT);
            Poll.Event writable = new Poll.Event(c.server.fileno(), POLLOUT);
            assertThat(poll.poll(-1)).containsExactly(writable);
            assertThat(poll.poll(Integer.MIN_VALUE)).containsExactly(writable);
            assertThat(poll.poll()).containsExactly(writable);
        }
    }

    @Test
    void registerWithoutAMaskWatchesPythonsDefault() throws Exception {
        try (Connection c = Connection.open()) {
            Poll poll = new Poll();
            poll.register(c.server.fileno());
            c.clientSends(1);
            assertThat(poll.poll(READY)).containsExactly(new Poll.Event(c.server.fileno(), POLLIN | POLLOUT));
            assertThat(Poll.DEFAULT_MASK).isEqualTo(POLLIN | POLLPRI | POLLOUT);
        }
    }

    @Test
    void constantsComeFromTheKernelHeaders() {
        assertThat(new int[] {POLLIN, POLLPRI, POLLOUT, POLLERR, POLLHUP, POLLNVAL, POLLRDHUP})
                .containsExactly(0x001, 0x002, 0x004, 0x008, 0x010, 0x020, 0x2000);
        assertThat(Select.FD_SETSIZE).isEqualTo(1024);
        assertThat(Poll.maskToString(POLLIN | POLLHUP | 0x4000)).isEqualTo("POLLIN|POLLHUP|0x4000");
        assertThat(new Poll.Event(5, POLLNVAL)).hasToString("(5, POLLNVAL)");
    }
}
