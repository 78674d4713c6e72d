package workbook.epoll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static workbook.epoll.Epoll.EPOLLERR;
import static workbook.epoll.Epoll.EPOLLET;
import static workbook.epoll.Epoll.EPOLLHUP;
import static workbook.epoll.Epoll.EPOLLIN;
import static workbook.epoll.Epoll.EPOLLONESHOT;
import static workbook.epoll.Epoll.EPOLLOUT;
import static workbook.epoll.Epoll.EPOLLRDHUP;
import static workbook.epoll.Waits.QUIET;
import static workbook.epoll.Waits.READY;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * epoll's semantics, shown on a real TCP connection over loopback ("reports
 * nothing" waits {@link Waits#QUIET}).
 */
@Timeout(30)
class EpollTest {

    @Test
    void levelTriggeredReportsAgainWhileDataRemains() throws Exception {
        try (Connection c = Connection.open(); Epoll epoll = new Epoll()) {
            epoll.register(c.server.fileno(), EPOLLIN);
            c.clientSends(2048);
            assertThat(epoll.poll(READY)).containsExactly(new Epoll.Event(c.server.fileno(), EPOLLIN));

            assertThat(c.server.recv(1024)).hasSize(1024);

            assertThat(epoll.poll(QUIET)).containsExactly(new Epoll.Event(c.server.fileno(), EPOLLIN));
        }
    }

    @Test
    void edgeTriggeredReportsOncePerArrival() throws Exception {
        try (Connection c = Connection.open(); Epoll epoll = new Epoll()) {
            epoll.register(c.server.fileno(), EPOLLIN | EPOLLET);
            c.clientSends(2048);
            assertThat(epoll.poll(READY)).containsExactly(new Epoll.Event(c.server.fileno(), EPOLLIN));

            assertThat(c.server.recv(1024)).hasSize(1024);

            assertThat(epoll.poll(QUIET)).as("1 KiB is still unread, but no new data arrived").isEmpty();

            c.clientSends(10);
            assertThat(epoll.poll(READY)).containsExactly(new Epoll.Event(c.server.fileno(), EPOLLIN));
        }
    }

    @Test
    void oneshotReportsOnceUntilModified() throws Exception {
        try (Connection c = Connection.open(); Epoll epoll = new Epoll()) {
            epoll.register(c.server.fileno(), EPOLLIN | EPOLLONESHOT);
            c.clientSends(100);
            assertThat(epoll.poll(READY)).containsExactly(new Epoll.Event(c.server.fileno(), EPOLLIN));

            assertThat(epoll.poll(QUIET)).as("disarmed after one report, though data is waiting").isEmpty();
            int fd = c.server.fileno();
            assertThatThrownBy(() -> epoll.register(fd, EPOLLIN)).as("disarmed, not removed: still in the interest list")
                    .hasMessageContaining("EEXIST");

            epoll.modify(c.server.fileno(), EPOLLIN | EPOLLONESHOT);
            assertThat(epoll.poll(READY)).containsExactly(new Epoll.Event(c.server.fileno(), EPOLLIN));
        }
    }

    @Test
    void peerCloseReportsInAndRdhupAndRecvReturnsEmpty() throws Exception {
        try (Connection c = Connection.open(); Epoll epoll = new Epoll()) {
            epoll.register(c.server.fileno(), EPOLLIN | EPOLLRDHUP);
            c.client.close();

            List<Epoll.Event> events = epoll.poll(READY);
            assertThat(events).hasSize(1);
            assertThat(events.get(0).events()).isEqualTo(EPOLLIN | EPOLLRDHUP);
            assertThat(c.server.recv(1024)).as("end of stream").isEmpty();
        }
    }

    @Test
    void bothSidesClosedReportsHupEvenWithMaskZero() throws Exception {
        try (Connection c = Connection.open(); Epoll epoll = new Epoll()) {
            epoll.register(c.server.fileno(), 0);
            c.client.close();
            c.server.shutdown(LinuxSocket.SHUT_RDWR);

            List<Epoll.Event> events = epoll.poll(READY);
            assertThat(events).hasSize(1);
            assertThat(events.get(0).events() & EPOLLHUP).as(Epoll.maskToString(events.get(0).events())).isEqualTo(EPOLLHUP);
        }
    }

    @Test
    void writableSocketReportsOut() throws Exception {
        try (Connection c = Connection.open(); Epoll epoll = new Epoll()) {
            epoll.register(c.server.fileno(), EPOLLOUT);
            assertThat(epoll.poll(READY)).containsExactly(new Epoll.Event(c.server.fileno(), EPOLLOUT));
        }
    }

    @Test
    void resetByPeerReportsErrAndHup() throws Exception {
        try (Connection c = Connection.open(); Epoll epoll = new Epoll()) {
            epoll.register(c.server.fileno(), EPOLLIN);
            c.client.setSoLinger(true, 0);
            c.client.close();

            List<Epoll.Event> events = epoll.poll(READY);
            assertThat(events).hasSize(1);
            assertThat(events.get(0).events() & (EPOLLERR | EPOLLHUP)).isEqualTo(EPOLLERR | EPOLLHUP);
        }
    }

    @Test
    void pollWithZeroTimeoutOnlyLooks() throws Exception {
        try (Epoll epoll = new Epoll()) {
            assertThat(epoll.poll(0)).isEmpty();
        }
    }

    @Test
    void registeringTwiceIsEexist() throws Exception {
        try (Connection c = Connection.open(); Epoll epoll = new Epoll()) {
            epoll.register(c.server.fileno(), EPOLLIN);
            int fd = c.server.fileno();
            assertThatThrownBy(() -> epoll.register(fd, EPOLLIN))
                    .isInstanceOf(ErrnoException.class)
                    .isNotInstanceOf(WouldBlockException.class)
                    .hasMessage("epoll_ctl(ADD, fd " + fd + "): [Errno 17 EEXIST] File exists");
        }
    }

    @Test
    void modifyingOrUnregisteringAnUnknownFdIsEnoent() throws Exception {
        try (Connection c = Connection.open(); Epoll epoll = new Epoll()) {
            int fd = c.server.fileno();
            assertThatThrownBy(() -> epoll.modify(fd, EPOLLIN))
                    .isInstanceOf(ErrnoException.class).hasMessageContaining("epoll_ctl(MOD").hasMessageContaining("ENOENT");
            assertThatThrownBy(() -> epoll.unregister(fd))
                    .isInstanceOf(ErrnoException.class).hasMessageContaining("epoll_ctl(DEL").hasMessageContaining("ENOENT");
        }
    }

    @Test
    void aClosedFdIsEbadf() throws Exception {
        try (Epoll epoll = new Epoll()) {
            LinuxSocket socket = LinuxSocket.tcp();
            socket.close();
            assertThat(socket.fileno()).isEqualTo(-1);
            assertThatThrownBy(() -> epoll.register(socket.fileno(), EPOLLIN))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> {
                        assertThat(e.errnoName()).isEqualTo("EBADF");
                        assertThat(e.errno()).isEqualTo(9);
                    });
            assertThatThrownBy(() -> socket.recv(10)).hasMessageContaining("EBADF");
            socket.close(); // a second close is harmless
        }
        Epoll closed = new Epoll();
        closed.close();
        assertThatThrownBy(() -> closed.poll(0)).hasMessageContaining("EBADF");
    }

    @Test
    void badTimeoutsAndEventCountsAreIllegalArgumentsNamedInOneLine() throws Exception {
        try (Epoll epoll = new Epoll()) {
            assertThatThrownBy(() -> epoll.poll(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("timeoutSeconds must be a number of seconds, not NaN");
            for (double tooLong : new double[] {1e10, Double.POSITIVE_INFINITY, Double.MAX_VALUE, 2_147_483.648}) {
                assertThatThrownBy(() -> epoll.poll(tooLong)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageStartingWith("timeoutSeconds must be at most 2147483.647 seconds");
            }
            for (int maxEvents : new int[] {0, -1, 65_537, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
                assertThatThrownBy(() -> epoll.poll(0, maxEvents)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("maxEvents must be 1..65536, not " + maxEvents);
            }
            assertThat(epoll.poll(0, 65_536)).isEmpty();
            assertThat(epoll.poll(Double.MIN_VALUE)).as("rounded up to 1 ms").isEmpty();
        }
    }

    @Test
    void aNegativeTimeoutWaitsForeverWhichAReadySocketEndsAtOnce() throws Exception {
        try (Connection c = Connection.open(); Epoll epoll = new Epoll()) {
            epoll.register(c.server.fileno(), EPOLLOUT);
            for (double forever : new double[] {-1, -0.5, Double.NEGATIVE_INFINITY, -Double.MAX_VALUE}) {
                assertThat(epoll.poll(forever)).containsExactly(new Epoll.Event(c.server.fileno(), EPOLLOUT));
            }
        }
    }

    @Test
    void maskNamesAreReadable() {
        assertThat(EPOLLET).as("bit 31: negative as a Java int").isNegative();
        assertThat(Epoll.maskToString(EPOLLIN | EPOLLET)).isEqualTo("EPOLLIN|EPOLLET");
        assertThat(Epoll.maskToString(EPOLLIN | EPOLLOUT | EPOLLHUP)).isEqualTo("EPOLLIN|EPOLLOUT|EPOLLHUP");
        assertThat(Epoll.maskToString(0)).isEqualTo("0");
        assertThat(Epoll.maskToString(EPOLLIN | 0x1000)).isEqualTo("EPOLLIN|0x1000");
    }

    @Test
    void constantsComeFromTheKernelHeaders() {
        // The values the Linux ABI fixes; a wrong lookup on the C side would show here.
        assertThat(EPOLLIN).isEqualTo(0x001);
        assertThat(EPOLLOUT).isEqualTo(0x004);
        assertThat(EPOLLERR).isEqualTo(0x008);
        assertThat(EPOLLHUP).isEqualTo(0x010);
        assertThat(EPOLLRDHUP).isEqualTo(0x2000);
        assertThat(EPOLLONESHOT).isEqualTo(1 << 30);
        assertThat(EPOLLET).isEqualTo(1 << 31);
    }
}
