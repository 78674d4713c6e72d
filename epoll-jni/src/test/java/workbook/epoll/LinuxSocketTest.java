package workbook.epoll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static workbook.epoll.LinuxSocket.IPPROTO_TCP;
import static workbook.epoll.LinuxSocket.SOL_SOCKET;
import static workbook.epoll.LinuxSocket.SO_REUSEADDR;
import static workbook.epoll.LinuxSocket.TCP_CORK;
import static workbook.epoll.LinuxSocket.TCP_NODELAY;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LinuxSocketTest {
    private static final int O_CLOEXEC_OCTAL = 02000000;

    @Test
    void bindToPortZeroPicksAFreePort() throws Exception {
        try (LinuxSocket socket = LinuxSocket.tcp()) {
            socket.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
            socket.bind("127.0.0.1", 0);
            assertThat(socket.getsockname().getPort()).isPositive();
            assertThat(socket.getsockname().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void bindingABusyPortIsEaddrinuse() throws Exception {
        try (LinuxSocket first = LinuxSocket.tcp(); LinuxSocket second = LinuxSocket.tcp()) {
            first.bind("127.0.0.1", 0);
            first.listen(1);
            int port = first.getsockname().getPort();
            assertThatThrownBy(() -> second.bind("127.0.0.1", port))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errnoName()).isEqualTo("EADDRINUSE"))
                    .hasMessageContaining("bind(fd ");
        }
    }

    @Test
    void rejectsWhatIsNotAnIpv4Literal() throws Exception {
        try (LinuxSocket socket = LinuxSocket.tcp()) {
            assertThatThrownBy(() -> socket.bind("localhost", 0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> socket.bind("1.2.3.256", 0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> socket.bind("1.2.3.4", 65536)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void recvAndSendCarryBytesBothWays() throws Exception {
        try (Connection c = Connection.open()) {
            c.client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(c.server.recv(1024), StandardCharsets.US_ASCII)).isEqualTo("ping");

            assertThat(c.server.send("pong!".getBytes(StandardCharsets.US_ASCII))).isEqualTo(5);
            assertThat(c.client.getInputStream().readNBytes(5)).asString(StandardCharsets.US_ASCII).isEqualTo("pong!");

            c.client.shutdownOutput();
            assertThat(c.server.recv(1024)).as("end of stream").isEmpty();
        }
    }

    @Test
    void recvOnAnEmptyNonBlockingSocketWouldBlock() throws Exception {
        try (Connection c = Connection.open()) {
            assertThat(c.server.isBlocking()).isTrue();
            c.server.setblocking(false);
            assertThat(c.server.isBlocking()).isFalse();
            assertThatThrownBy(() -> c.server.recv(1024))
                    .isInstanceOf(WouldBlockException.class)
                    .hasMessageContaining("recv(fd " + c.server.fileno() + "): [Errno 11 EAGAIN]");
            c.server.setblocking(true);
            assertThat(c.server.isBlocking()).isTrue();
        }
    }

    @Test
    void acceptOnAnEmptyNonBlockingListenerWouldBlock() throws Exception {
        try (LinuxSocket listener = LinuxSocket.tcp()) {
            listener.bind("127.0.0.1", 0);
            listener.listen(1);
            listener.setblocking(false);
            assertThatThrownBy(listener::accept).isInstanceOf(WouldBlockException.class);
        }
    }

    @Test
    void acceptCanHandOutNonBlockingSockets() throws Exception {
        try (LinuxSocket listener = LinuxSocket.tcp(); java.net.Socket client = new java.net.Socket()) {
            listener.bind("127.0.0.1", 0);
            listener.listen(1);
            client.connect(listener.getsockname());
            LinuxSocket.Accepted accepted = listener.accept(true);
            try (LinuxSocket connection = accepted.socket()) {
                assertThat(connection.isBlocking()).isFalse();
                assertThat(accepted.address().getPort()).isEqualTo(client.getLocalPort());
                assertThat(accepted.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
            }
        }
    }

    @Test
    void sendToAResetPeerThrowsEconnresetOrEpipe() throws Exception {
        try (Connection c = Connection.open(); Epoll epoll = new Epoll()) {
            c.client.setSoLinger(true, 0);
            c.client.close(); // RST
            epoll.register(c.server.fileno(), Epoll.EPOLLIN);
            assertThat(epoll.poll(5)).as("the reset arrived").hasSize(1);

            // The first send reports the reset (ECONNRESET), any later one the dead connection (EPIPE).
            assertThatThrownBy(() -> {
                for (int attempt = 0; attempt < 3; attempt++) {
                    c.server.send(new byte[100]);
                }
            }).isInstanceOfSatisfying(ErrnoException.class,
                    e -> assertThat(e.errnoName()).isIn("ECONNRESET", "EPIPE"));
        }
    }

    /**
     * Why send's MSG_NOSIGNAL is hygiene and not what keeps the JVM alive:
     * HotSpot installs a handler for SIGPIPE that ignores it (signals_posix.cpp,
     * "Ignore SIGPIPE and SIGXFSZ"). java.net writes with plain write(2), so
     * once a reset connection has reported ECONNRESET its next write fails with
     * EPIPE and the kernel raises SIGPIPE (strace shows it); this JVM lives on.
     */
    @Test
    void aSigpipeDoesNotEndTheJvmForHotspotCatchesIt() throws Exception {
        try (Connection c = Connection.open()) {
            c.clientSends(1);
            c.server.close(); // closed with a byte unread: the kernel resets the connection
            assertThatThrownBy(() -> c.client.getInputStream().read()).as("the reset arrived")
                    .isInstanceOf(java.net.SocketException.class);
            assertThatThrownBy(() -> {
                for (int attempt = 0; attempt < 3; attempt++) {
                    c.client.getOutputStream().write(new byte[100]);
                }
            }).hasMessageContaining("Broken pipe");
        }
        String caught = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(line -> line.startsWith("SigCgt:")).findFirst().orElseThrow();
        int sigpipe = 13; // signal(7): 13 on x86 and ARM
        long handled = Long.parseUnsignedLong(caught.substring("SigCgt:".length()).trim(), 16);
        assertThat(handled & (1L << (sigpipe - 1))).as("SIGPIPE has a handler: " + caught).isNotZero();
    }

    @Test
    void badArgumentsThrowIllegalArgumentExceptionNamingTheArgument() throws Exception {
        try (Connection c = Connection.open()) {
            byte[] buffer = new byte[16];
            assertThatThrownBy(() -> c.server.recv(-5)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("negative bufsize in recv: -5");
            assertThatThrownBy(() -> c.server.recv(buffer, -1, 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("offset must be 0..16, not -1");
            assertThatThrownBy(() -> c.server.recv(buffer, 8, 9)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("length must be 0..8 (from offset 8 of 16 bytes), not 9");
            assertThatThrownBy(() -> c.server.send(buffer, 17, 0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("offset ");
            assertThatThrownBy(() -> c.server.send(buffer, 1, Integer.MAX_VALUE))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("length ");
            assertThatThrownBy(() -> c.listener.listen(-1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("backlog must be >= 0, not -1");
            assertThatThrownBy(() -> c.server.recv(null, 0, 0)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> c.server.send(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> c.listener.bind(null, 0)).isInstanceOf(NullPointerException.class);
            assertThat(c.server.send(buffer, 16, 0)).as("an empty slice at the end is fine").isZero();
        }
    }

    @Test
    void aHugeBufsizeReadsAtMostTheTransferLimitAndAllocatesNoMore() throws Exception {
        try (Connection c = Connection.open()) {
            c.clientSends(3 * LinuxSocket.TRANSFER_LIMIT);
            byte[] first = c.server.recv(Integer.MAX_VALUE);
            assertThat(first.length).isPositive().isLessThanOrEqualTo(LinuxSocket.TRANSFER_LIMIT);
            assertThat(LinuxSocket.TRANSFER_LIMIT).isEqualTo(64 * 1024);
        }
    }

    @Test
    void aSendOfMoreThanTheTransferLimitSendsAtMostThat() throws Exception {
        try (Connection c = Connection.open()) {
            assertThat(c.server.send(new byte[5 * LinuxSocket.TRANSFER_LIMIT]))
                    .isPositive().isLessThanOrEqualTo(LinuxSocket.TRANSFER_LIMIT);
        }
    }

    @Test
    void useAfterCloseIsEbadfAndClosingTwiceIsHarmless() throws Exception {
        LinuxSocket socket = LinuxSocket.tcp();
        socket.close();
        socket.close();
        assertThat(socket.fileno()).isEqualTo(-1);
        for (ThrowingCall call : new ThrowingCall[] {() -> socket.recv(10), () -> socket.send(new byte[1]),
            () -> socket.listen(1), socket::accept, () -> socket.shutdown(LinuxSocket.SHUT_RDWR),
            socket::getsockname, socket::tcpInfo, () -> socket.setblocking(false)}) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(ErrnoException.class,
                    e -> assertThat(e.errnoName()).isEqualTo("EBADF"));
        }
    }

    @Test
    void callsInTheWrongStateAreErrnoExceptions() throws Exception {
        try (LinuxSocket socket = LinuxSocket.tcp()) {
            socket.setblocking(false);
            assertThatThrownBy(socket::accept).as("accept before listen")
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errnoName()).isEqualTo("EINVAL"));
            assertThatThrownBy(() -> socket.recv(10)).as("recv before connect")
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errnoName()).isEqualTo("ENOTCONN"));
            socket.bind("127.0.0.1", 0);
            socket.listen(1);
            socket.listen(5); // again: allowed, it changes the backlog
            assertThatThrownBy(() -> socket.recv(10)).as("recv on a listening socket")
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errnoName()).isEqualTo("ENOTCONN"));
            assertThatThrownBy(() -> socket.bind("127.0.0.1", 0)).as("bind twice")
                    .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errnoName()).isEqualTo("EINVAL"));
        }
    }

    interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void tcpNodelayAndCorkReadBack() throws Exception {
        try (Connection c = Connection.open()) {
            assertThat(c.server.getsockopt(IPPROTO_TCP, TCP_NODELAY)).isZero();
            c.server.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1);
            assertThat(c.server.getsockopt(IPPROTO_TCP, TCP_NODELAY)).isNotZero();

            assertThat(c.server.getsockopt(IPPROTO_TCP, TCP_CORK)).isZero();
            c.server.setsockopt(IPPROTO_TCP, TCP_CORK, 1);
            assertThat(c.server.getsockopt(IPPROTO_TCP, TCP_CORK)).isNotZero();
            c.server.setsockopt(IPPROTO_TCP, TCP_CORK, 0);
            assertThat(c.server.getsockopt(IPPROTO_TCP, TCP_CORK)).isZero();
        }
    }

    @Test
    void acceptedSocketInheritsTcpNodelayFromTheListener() throws Exception {
        try (Connection plain = Connection.open()) {
            assertThat(plain.server.getsockopt(IPPROTO_TCP, TCP_NODELAY)).isZero();
        }
        try (Connection c = Connection.open(listener -> listener.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1))) {
            assertThat(c.server.getsockopt(IPPROTO_TCP, TCP_NODELAY)).isNotZero();
        }
    }

    @Test
    void tcpInfoCountsDataSegmentsSent() throws Exception {
        try (Connection c = Connection.open()) {
            TcpInfo before = c.server.tcpInfo();
            assertThat(before.state()).as("ESTABLISHED").isEqualTo(1);
            c.server.send(new byte[100]);
            assertThat(c.client.getInputStream().readNBytes(100)).hasSize(100);
            TcpInfo after = c.server.tcpInfo();
            assertThat(after.dataSegmentsOut()).isEqualTo(before.dataSegmentsOut() + 1);
            assertThat(after.segmentsOut()).isGreaterThan(before.segmentsOut());
            assertThat(after.sendMss()).isPositive();
        }
    }

    @Test
    void everyDescriptorIsCloseOnExec() throws Exception {
        try (Connection c = Connection.open(); Epoll epoll = new Epoll()) {
            assertThat(fdFlags(c.listener.fileno()) & O_CLOEXEC_OCTAL).as("socket").isNotZero();
            assertThat(fdFlags(c.server.fileno()) & O_CLOEXEC_OCTAL).as("accepted socket").isNotZero();
            assertThat(fdFlags(epoll.fileno()) & O_CLOEXEC_OCTAL).as("epoll").isNotZero();
        }
    }

    private static int fdFlags(int fd) throws IOException {
        try (InputStream in = Files.newInputStream(Path.of("/proc/self/fdinfo/" + fd))) {
            String info = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            String flags = info.lines().filter(l -> l.startsWith("flags:")).findFirst().orElseThrow();
            return Integer.parseInt(flags.substring("flags:".length()).trim(), 8);
        }
    }
}
