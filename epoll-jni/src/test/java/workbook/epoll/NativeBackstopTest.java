package workbook.epoll;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The C side does not trust Java: called past the Java checks, with arrays
 * that are missing or too short and offsets or counts that are wrong, each
 * function answers EFAULT or EINVAL, or clamps, and touches nothing outside
 * the arrays (-Xcheck:jni would say so).
 */
@Timeout(30)
class NativeBackstopTest {
    @Test
    void recvAndSendRefuseABadSliceAndClampALongOne() throws Exception {
        try (Connection c = Connection.open()) {
            int fd = c.server.fileno();
            assertThat(errno(Native.recv(fd, null, 0, 10, 0))).isEqualTo("EFAULT");
            assertThat(errno(Native.recv(fd, new byte[10], -1, 5, 0))).isEqualTo("EINVAL");
            assertThat(errno(Native.recv(fd, new byte[10], 11, 0, 0))).isEqualTo("EINVAL");
            assertThat(errno(Native.recv(fd, new byte[10], 0, -1, 0))).isEqualTo("EINVAL");
            assertThat(errno(Native.send(fd, null, 0, 10, 0))).isEqualTo("EFAULT");
            assertThat(errno(Native.send(fd, new byte[10], Integer.MIN_VALUE, 1, 0))).isEqualTo("EINVAL");

            assertThat(Native.send(fd, new byte[10], 4, Integer.MAX_VALUE, 0)).as("the 6 bytes from offset 4").isEqualTo(6);
            c.clientSends(100);
            assertThat(Native.recv(fd, new byte[10], 7, Integer.MAX_VALUE, 0)).as("room for 3").isEqualTo(3);
        }
    }

    @Test
    void epollWaitClampsMaxEventsToTheArrayAndRefusesNoRoom() throws Exception {
        try (Connection c = Connection.open(); Epoll epoll = new Epoll()) {
            epoll.register(c.server.fileno(), Epoll.EPOLLOUT);
            epoll.register(c.listener.fileno(), Epoll.EPOLLOUT);
            int[] onePair = new int[2];
            assertThat(Native.epollWait(epoll.fileno(), onePair, Integer.MAX_VALUE, 0)).isEqualTo(1);
            assertThat(errno(Native.epollWait(epoll.fileno(), new int[1], 1, 0))).isEqualTo("EINVAL");
            assertThat(errno(Native.epollWait(epoll.fileno(), onePair, Integer.MIN_VALUE, 0))).isEqualTo("EINVAL");
            assertThat(errno(Native.epollWait(epoll.fileno(), null, 1, 0))).isEqualTo("EFAULT");
        }
    }

    @Test
    void shortOutputArraysAreRefusedBeforeTheCall() throws Exception {
        try (Connection c = Connection.open(); java.net.Socket waiting = new java.net.Socket()) {
            int fd = c.server.fileno();
            assertThat(errno(Native.getsockopt(fd, LinuxSocket.SOL_SOCKET, LinuxSocket.SO_ERROR, new int[0]))).isEqualTo("EFAULT");
            assertThat(errno(Native.getsockname(fd, new byte[5]))).isEqualTo("EFAULT");
            assertThat(errno(Native.tcpInfo(fd, new long[TcpInfo.FIGURES - 1]))).isEqualTo("EFAULT");
            assertThat(errno(Native.bind(fd, null))).isEqualTo("EFAULT");
            assertThat(Native.constant(null)).isEqualTo(-1);

            waiting.connect(c.listener.getsockname(), 5_000);
            assertThat(errno(Native.accept4(c.listener.fileno(), new byte[5], 0))).isEqualTo("EFAULT");
            // Refused before accepting: the connection is still queued, not taken and lost.
            try (LinuxSocket accepted = c.listener.accept().socket()) {
                assertThat(accepted.fileno()).isPositive();
            }
        }
    }

    @Test
    void pollAndSelectRefuseMissingArraysAndCountsBeyondThem() {
        assertThat(errno(Native.poll(null, 0, new int[0], 0))).isEqualTo("EFAULT");
        assertThat(errno(Native.poll(new int[2], 0, null, 0))).isEqualTo("EFAULT");
        assertThat(errno(Native.poll(new int[2], 2, new int[2], 0))).as("2 pairs asked, 1 given").isEqualTo("EINVAL");
        assertThat(errno(Native.poll(new int[4], 2, new int[1], 0))).as("no room for 2 revents").isEqualTo("EINVAL");
        assertThat(errno(Native.poll(new int[4], -1, new int[2], 0))).isEqualTo("EINVAL");
        assertThat(Native.poll(new int[4], 0, new int[0], 0)).as("nothing to watch, nothing ready").isZero();
        assertThat(errno(Native.select(new int[0], null, new int[0], 0))).isEqualTo("EFAULT");
        assertThat(errno(Native.select(new int[] {0, Select.FD_SETSIZE}, new int[0], new int[0], 0))).isEqualTo("EINVAL");
    }

    private static String errno(int negativeErrno) {
        assertThat(negativeErrno).as("minus errno").isNegative();
        return Native.errnoName(-negativeErrno);
    }
}
