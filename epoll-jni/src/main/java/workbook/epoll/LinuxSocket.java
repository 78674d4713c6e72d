package workbook.epoll;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

/**
 * A TCP/IPv4 socket held as a bare file descriptor: the Java counterpart of
 * the Python {@code socket.socket} objects the article uses. Each method is
 * one system call (named in its Javadoc); a failed call throws
 * {@link ErrnoException}, or {@link WouldBlockException} when a non-blocking
 * socket has nothing to do right now.
 *
 * <p>Every descriptor is created close-on-exec, so a child process never
 * inherits it. Not thread-safe, like the article's single-threaded servers.
 *
 * <p>Arguments: a bad one (a negative size, a slice outside its array, a
 * port outside 0..65535, a host that is not an IPv4 literal) throws
 * IllegalArgumentException with one line naming it, where Python raises
 * ValueError; a null array or host throws NullPointerException. Options,
 * levels and {@code how} are the kernel's to judge: a bad one is an
 * {@link ErrnoException}, as in Python. After {@link #close()} the
 * descriptor is -1 and every call but close fails with EBADF.
 */
public final class LinuxSocket implements AutoCloseable {
    public static final int AF_INET = Native.require("AF_INET");
    public static final int SOCK_STREAM = Native.require("SOCK_STREAM");
    public static final int SOL_SOCKET = Native.require("SOL_SOCKET");
    public static final int SO_REUSEADDR = Native.require("SO_REUSEADDR");
    public static final int SO_REUSEPORT = Native.require("SO_REUSEPORT");
    public static final int SO_ERROR = Native.require("SO_ERROR");
    public static final int SO_RCVBUF = Native.require("SO_RCVBUF");
    public static final int SO_SNDBUF = Native.require("SO_SNDBUF");
    public static final int SO_KEEPALIVE = Native.require("SO_KEEPALIVE");
    public static final int IPPROTO_TCP = Native.require("IPPROTO_TCP");
    public static final int TCP_NODELAY = Native.require("TCP_NODELAY");
    public static final int TCP_CORK = Native.require("TCP_CORK");
    public static final int SHUT_RD = Native.require("SHUT_RD");
    public static final int SHUT_WR = Native.require("SHUT_WR");
    public static final int SHUT_RDWR = Native.require("SHUT_RDWR");

    private static final int SOCK_NONBLOCK = Native.require("SOCK_NONBLOCK");
    private static final int SOCK_CLOEXEC = Native.require("SOCK_CLOEXEC");
    private static final int MSG_NOSIGNAL = Native.require("MSG_NOSIGNAL");
    private static final int F_GETFL = Native.require("F_GETFL");
    private static final int FIONBIO = Native.require("FIONBIO");
    private static final int O_NONBLOCK = Native.require("O_NONBLOCK");
    private static final int ADDRESS_BYTES = 6;

    /**
     * The most bytes one {@link #recv} or {@link #send} call moves (64 KiB):
     * each copies through a C buffer of at most this size, taken from the
     * heap per call, so {@code recv(Integer.MAX_VALUE)} allocates 64 KiB, not
     * 2 GiB. Both calls may always move less than asked, so a caller loses
     * nothing (Python would try to allocate the whole bufsize).
     */
    public static final int TRANSFER_LIMIT = Native.require("COPY_LIMIT");

    /** A connection returned by {@link #accept()}, with the peer's address. */
    public record Accepted(LinuxSocket socket, InetSocketAddress address) {
    }

    private int fd;

    private LinuxSocket(int fd) {
        this.fd = fd;
    }

    /**
     * A new TCP/IPv4 socket: {@code socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)}.
     */
    public static LinuxSocket tcp() throws ErrnoException {
        int fd = Native.socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw ErrnoException.of(fd, "socket(AF_INET, SOCK_STREAM)");
        }
        return new LinuxSocket(fd);
    }

    /** The file descriptor number (no system call); -1 once closed. */
    public int fileno() {
        return fd;
    }

    /** Sets an int-valued option: {@code setsockopt(fd, level, option, &value, sizeof(int))}. */
    public void setsockopt(int level, int option, int value) throws ErrnoException {
        int result = Native.setsockopt(fd, level, option, value);
        if (result < 0) {
            throw ErrnoException.of(result, "setsockopt(fd " + fd + ", " + level + ", " + option + ")");
        }
    }

    /** Reads an int-valued option: {@code getsockopt(fd, level, option, &value, &length)}. */
    public int getsockopt(int level, int option) throws ErrnoException {
        int[] value = new int[1];
        int result = Native.getsockopt(fd, level, option, value);
        if (result < 0) {
            throw ErrnoException.of(result, "getsockopt(fd " + fd + ", " + level + ", " + option + ")");
        }
        return value[0];
    }

    /** Connection figures: {@code getsockopt(fd, IPPROTO_TCP, TCP_INFO, &tcp_info, &length)}. */
    public TcpInfo tcpInfo() throws ErrnoException {
        long[] figures = new long[TcpInfo.FIGURES];
        check(Native.tcpInfo(fd, figures), "getsockopt", fd, "TCP_INFO");
        return TcpInfo.of(figures);
    }

    /**
     * Binds to an IPv4 address given as a literal ("0.0.0.0", "127.0.0.1"):
     * {@code bind(fd, &sockaddr_in, sizeof sockaddr_in)}. Port 0 lets the
     * kernel pick a free port; {@link #getsockname()} tells which.
     *
     * @throws IllegalArgumentException for a port outside 0..65535 or a host
     *         that is not an IPv4 literal
     */
    public void bind(String host, int port) throws ErrnoException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, not " + port);
        }
        byte[] address = Arrays.copyOf(ipv4Literal(host), ADDRESS_BYTES);
        address[4] = (byte) (port >>> 8);
        address[5] = (byte) port;
        int result = Native.bind(fd, address);
        if (result < 0) {
            throw ErrnoException.of(result, "bind(fd " + fd + ", " + host + ":" + port + ")");
        }
    }

    /**
     * Marks the socket as accepting connections: {@code listen(fd, backlog)}.
     * The kernel caps {@code backlog} at net.core.somaxconn.
     *
     * @throws IllegalArgumentException for a negative backlog
     */
    public void listen(int backlog) throws ErrnoException {
        if (backlog < 0) {
            throw new IllegalArgumentException("backlog must be >= 0, not " + backlog);
        }
        int result = Native.listen(fd, backlog);
        if (result < 0) {
            throw ErrnoException.of(result, "listen(fd " + fd + ", " + backlog + ")");
        }
    }

    /** The local address and port: {@code getsockname(fd, &sockaddr_in, &length)}. */
    public InetSocketAddress getsockname() throws ErrnoException {
        byte[] address = new byte[ADDRESS_BYTES];
        check(Native.getsockname(fd, address), "getsockname", fd, null);
        return toSocketAddress(address);
    }

    /**
     * Switches O_NONBLOCK on ({@code blocking == false}) or off:
     * {@code ioctl(fd, FIONBIO, &on)}, one call where fcntl needs a read and a
     * write (CPython's {@code setblocking} does the same).
     */
    public void setblocking(boolean blocking) throws ErrnoException {
        check(Native.ioctlInt(fd, FIONBIO, blocking ? 0 : 1), "ioctl", fd, "FIONBIO");
    }

    /** Whether O_NONBLOCK is off: {@code fcntl(fd, F_GETFL)}. */
    public boolean isBlocking() throws ErrnoException {
        return (check(Native.fcntl(fd, F_GETFL, 0), "fcntl", fd, "F_GETFL") & O_NONBLOCK) == 0;
    }

    /**
     * Takes the next connection off the accept queue, as a blocking,
     * close-on-exec socket: {@code accept4(fd, &peer, &length, SOCK_CLOEXEC)}.
     * On a non-blocking listening socket with an empty queue it throws
     * {@link WouldBlockException}.
     */
    public Accepted accept() throws ErrnoException {
        return accept(false);
    }

    /**
     * As {@link #accept()}, and with {@code nonBlocking} the new socket is
     * born non-blocking: {@code accept4(fd, &peer, &length, SOCK_CLOEXEC | SOCK_NONBLOCK)},
     * one system call where {@code accept} plus {@code setblocking} make three.
     */
    public Accepted accept(boolean nonBlocking) throws ErrnoException {
        byte[] peer = new byte[ADDRESS_BYTES];
        int flags = SOCK_CLOEXEC | (nonBlocking ? SOCK_NONBLOCK : 0);
        int connection = check(Native.accept4(fd, peer, flags), "accept4", fd, null);
        return new Accepted(new LinuxSocket(connection), toSocketAddress(peer));
    }

    /**
     * Reads at most {@code bufsize} bytes, and at most {@link #TRANSFER_LIMIT}:
     * {@code recv(fd, buffer, bufsize, 0)}. An empty result means end of
     * stream: the peer has shut down its sending side, and no more bytes
     * will ever come.
     *
     * @throws IllegalArgumentException for a negative bufsize (Python:
     *         ValueError "negative buffersize in recv")
     */
    public byte[] recv(int bufsize) throws ErrnoException {
        if (bufsize < 0) {
            throw new IllegalArgumentException("negative bufsize in recv: " + bufsize);
        }
        byte[] buffer = new byte[Math.min(bufsize, TRANSFER_LIMIT)];
        int received = recv(buffer, 0, buffer.length);
        return received == buffer.length ? buffer : Arrays.copyOf(buffer, received);
    }

    /**
     * Reads into {@code buffer}, at most {@code length} bytes and at most
     * {@link #TRANSFER_LIMIT}: {@code recv(fd, buffer + offset, length, 0)}.
     * Returns how many bytes arrived; 0 means end of stream.
     *
     * @throws IllegalArgumentException if offset and length do not lie within buffer
     */
    public int recv(byte[] buffer, int offset, int length) throws ErrnoException {
        checkSlice(buffer, offset, length);
        return check(Native.recv(fd, buffer, offset, length, 0), "recv", fd, null);
    }

    /**
     * Writes as much of {@code data} as the socket takes now, at most
     * {@link #TRANSFER_LIMIT} bytes, and returns how many bytes that was:
     * {@code send(fd, data, length, MSG_NOSIGNAL)}. To a connection the peer
     * has closed it fails with ECONNRESET or EPIPE.
     *
     * <p>MSG_NOSIGNAL is hygiene: without it, a send that fails with EPIPE
     * also raises SIGPIPE, and that signal would not end the JVM anyway:
     * HotSpot installs a SIGPIPE handler that ignores it (signals_posix.cpp:
     * "Ignore SIGPIPE and SIGXFSZ"), as CPython sets SIGPIPE to SIG_IGN at
     * start-up. With the flag no signal is raised at all, so no other
     * handler in the process is woken by a client that went away.
     */
    public int send(byte[] data) throws ErrnoException {
        return send(data, 0, Objects.requireNonNull(data, "data").length);
    }

    /**
     * As {@link #send(byte[])}, for a slice: {@code send(fd, data + offset, length, MSG_NOSIGNAL)}.
     *
     * @throws IllegalArgumentException if offset and length do not lie within data
     */
    public int send(byte[] data, int offset, int length) throws ErrnoException {
        checkSlice(data, offset, length);
        return check(Native.send(fd, data, offset, length, MSG_NOSIGNAL), "send", fd, null);
    }

    /** Shuts down reading, writing or both (SHUT_RD, SHUT_WR, SHUT_RDWR): {@code shutdown(fd, how)}. */
    public void shutdown(int how) throws ErrnoException {
        check(Native.shutdown(fd, how), "shutdown", fd, null);
    }

    /**
     * Releases the descriptor: {@code close(fd)}. Closing twice is harmless.
     * Never retried: after an EINTR the descriptor is already gone, and a
     * retry could close a number another thread has just been given.
     */
    @Override
    public void close() throws ErrnoException {
        int closing = fd;
        if (closing < 0) {
            return;
        }
        fd = -1;
        check(Native.close(closing), "close", closing, null);
    }

    /** {@code LinuxSocket(fd N)} (no system call). */
    @Override
    public String toString() {
        return "LinuxSocket(fd " + fd + ")";
    }

    /**
     * {@code result}, unless it is minus errno: then the exception for
     * {@code call(fd N, detail)}. The description is built only on failure,
     * so that a successful call allocates nothing for it.
     */
    static int check(int result, String call, int fd, String detail) throws ErrnoException {
        if (result < 0) {
            throw ErrnoException.of(result, call + "(fd " + fd + (detail == null ? ")" : ", " + detail + ")"));
        }
        return result;
    }

    /** Where Python raises ValueError for a slice outside its buffer: one line naming the argument. */
    private static void checkSlice(byte[] buffer, int offset, int length) {
        Objects.requireNonNull(buffer, "buffer");
        if (offset < 0 || offset > buffer.length) {
            throw new IllegalArgumentException("offset must be 0.." + buffer.length + ", not " + offset);
        }
        if (length < 0 || length > buffer.length - offset) {
            throw new IllegalArgumentException("length must be 0.." + (buffer.length - offset) + " (from offset "
                    + offset + " of " + buffer.length + " bytes), not " + length);
        }
    }

    private static byte[] ipv4Literal(String host) {
        Objects.requireNonNull(host, "host");
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4 || !host.matches("[0-9.]+")) {
            throw new IllegalArgumentException("not an IPv4 address literal: " + host);
        }
        byte[] address = new byte[4];
        for (int i = 0; i < 4; i++) {
            int part = parts[i].isEmpty() || parts[i].length() > 3 ? 256 : Integer.parseInt(parts[i]);
            if (part > 255) {
                throw new IllegalArgumentException("not an IPv4 address literal: " + host);
            }
            address[i] = (byte) part;
        }
        return address;
    }

    private static InetSocketAddress toSocketAddress(byte[] address) {
        try {
            InetAddress host = InetAddress.getByAddress(Arrays.copyOf(address, 4));
            return new InetSocketAddress(host, ((address[4] & 0xff) << 8) | (address[5] & 0xff));
        } catch (UnknownHostException impossible) {
            throw new AssertionError("4 bytes are always an IPv4 address", impossible);
        }
    }
}
