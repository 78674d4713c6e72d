package testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * What the kernel says about a process or a port, read from /proc: the same
 * figures {@code ls /proc/PID/fd}, {@code ps} and {@code ss -lnt} show.
 *
 * <p>Each read is a snapshot and returns at once. A process that has exited
 * has no /proc entry: the methods then throw {@link UncheckedIOException}
 * (unchecked, so they fit in an {@link Await#until} lambda).
 */
public final class Proc {

    private Proc() {
    }

    /** How many file descriptors the process has open: the entries of /proc/PID/fd. */
    public static int openFds(long pid) {
        Path fds = Path.of("/proc", Long.toString(pid), "fd");
        try (Stream<Path> entries = Files.list(fds)) {
            return (int) entries.count();
        } catch (IOException e) {
            throw unreadable(fds, e);
        }
    }

    /**
     * How many of the process's descriptors are sockets: the entries of
     * /proc/PID/fd that link to {@code socket:[inode]}. A chapter at rest holds
     * its listening socket and whatever the JVM keeps for itself; each
     * connection adds one, so this counts connections without the noise of
     * the JVM's files.
     */
    public static int openSockets(long pid) {
        Path fds = Path.of("/proc", Long.toString(pid), "fd");
        try (Stream<Path> entries = Files.list(fds)) {
            return (int) entries.filter(Proc::isSocket).count();
        } catch (IOException e) {
            throw unreadable(fds, e);
        }
    }

    private static boolean isSocket(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString().startsWith("socket:");
        } catch (IOException closedMeanwhile) {
            return false;
        }
    }

    /**
     * CPU time the process has used, user plus system, in clock ticks
     * (USER_HZ: 100 per second on x86-64, see {@code getconf CLK_TCK}).
     * A server that waits in epoll_wait gains no ticks; one that spins gains
     * about 100 a second.
     */
    public static long cpuTicks(long pid) {
        return parseCpuTicks(read(Path.of("/proc", Long.toString(pid), "stat")));
    }

    /** Resident memory of the process in KiB: the VmRSS line of /proc/PID/status. */
    public static long rssKiB(long pid) {
        return parseRssKiB(read(Path.of("/proc", Long.toString(pid), "status")));
    }

    /**
     * How many connections wait in the accept queue of the socket listening on
     * {@code port}: the kernel has completed their handshake, the server has
     * not yet called accept. This is the Recv-Q column of {@code ss -lnt};
     * listen(backlog) bounds it at backlog + 1, beyond which the kernel drops
     * new handshakes.
     *
     * <p>Reads /proc/net/tcp, and /proc/net/tcp6 (where a java.net.ServerSocket
     * listens) only if no IPv4 socket listens on the port.
     *
     * @return 0 if nothing listens on the port
     */
    public static int acceptQueueLength(int port) {
        return acceptQueue(Path.of("/proc/net/tcp"), port)
                .orElseGet(() -> acceptQueue(Path.of("/proc/net/tcp6"), port).orElse(0));
    }

    private static OptionalInt acceptQueue(Path procNetTcp, int port) {
        try (BufferedReader lines = Files.newBufferedReader(procNetTcp, StandardCharsets.ISO_8859_1)) {
            return parseAcceptQueue(lines, port);
        } catch (IOException e) {
            throw unreadable(procNetTcp, e);
        }
    }

    /**
     * utime + stime from the text of /proc/PID/stat. The second field is the
     * command name in parentheses, and it may itself contain spaces and ')'
     * (a program may well be called "a) b"): so count fields after the LAST ')'.
     * There, the state is field 3 of proc(5); utime and stime are 14 and 15.
     */
    static long parseCpuTicks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
        int state = 3;
        return Long.parseLong(fields[14 - state]) + Long.parseLong(fields[15 - state]);
    }

    /** The number on the line "VmRSS:    12345 kB" of /proc/PID/status. */
    static long parseRssKiB(String status) {
        return status.lines()
                .filter(line -> line.startsWith("VmRSS:"))
                .map(line -> line.substring("VmRSS:".length()).replace("kB", "").trim())
                .mapToLong(Long::parseLong)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no VmRSS line (a zombie has none):\n" + status));
    }

    /**
     * The rx_queue of the LISTEN sockets on {@code port} (summed, should there
     * be several) in /proc/net/tcp or tcp6; empty if there is none. A line
     * there reads {@code "0: 00000000:1F90 00000000:0000 0A 00000000:00000001 ..."}:
     * local address:port in hex, remote, state (0A is LISTEN), then
     * tx_queue:rx_queue, which for a listening socket is the accept queue.
     *
     * <p>The kernel lists listening sockets first, and it makes the text as
     * it is read, walking its whole connection table (262,144 buckets on a
     * 24 GB machine: milliseconds). So this stops at the first line that is
     * not LISTEN, and the rest is never made.
     */
    static OptionalInt parseAcceptQueue(BufferedReader procNetTcp, int port) throws IOException {
        String listen = "0A";
        procNetTcp.readLine(); // the header
        OptionalInt queue = OptionalInt.empty();
        for (String line = procNetTcp.readLine(); line != null; line = procNetTcp.readLine()) {
            String[] fields = line.trim().split(" +");
            if (!fields[3].equals(listen)) {
                break;
            }
            if (Integer.parseInt(portOf(fields[1]), 16) == port) {
                String rxQueue = fields[4].substring(fields[4].indexOf(':') + 1);
                queue = OptionalInt.of(queue.orElse(0) + Integer.parseInt(rxQueue, 16));
            }
        }
        return queue;
    }

    private static String portOf(String hexAddressAndPort) {
        return hexAddressAndPort.substring(hexAddressAndPort.lastIndexOf(':') + 1);
    }

    private static String read(Path file) {
        try {
            // Reads to end of file (/proc files report size 0). Latin-1 decodes
            // any byte: a command name in /proc/PID/stat need not be UTF-8.
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    private static UncheckedIOException unreadable(Path file, IOException e) {
        String hint = e instanceof NoSuchFileException ? " (has the process exited?)" : "";
        return new UncheckedIOException("cannot read " + file + hint, e);
    }
}
