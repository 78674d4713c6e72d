package testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the kernel says about a process or a port, read from /proc: the figures {@code ls /proc/PID/fd},
 * {@code ps} and {@code ss -lnt} show. Each read is a snapshot; for a process that has exited it throws
 * {@link UncheckedIOException} (unchecked, so that it fits in an {@link Await#until} lambda).
 */
public final class Proc {

    private static final String[] TCP_STATES = {"?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
        "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV"};

    private Proc() {
    }

    /** How many of the process's descriptors are sockets: connections, without the noise of the JVM's files. */
    public static int openSockets(long pid) {
        return socketInodes(pid).size();
    }

    /** The inodes of the process's sockets: a new inode is a new connection, even if the count stayed the same. */
    public static Set<Long> socketInodes(long pid) {
        return list(pid, "fd").stream().map(Proc::linkTarget).filter(t -> t.startsWith("socket:["))
                .map(t -> Long.parseLong(t.substring("socket:[".length(), t.length() - 1)))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** CPU time the process has used, user plus system, in clock ticks (USER_HZ, 100 a second: getconf CLK_TCK). */
    public static long cpuTicks(long pid) {
        return parseCpuTicks(read(file(pid, "stat")));
    }

    /** The system part of {@link #cpuTicks}: time the kernel spent on the process's behalf. */
    public static long systemTicks(long pid) {
        return statField(read(file(pid, "stat")), 15);
    }

    /** CPU ticks of the threads whose name starts with one of {@code prefixes}: "C2 CompilerThre" is a JVM's JIT. */
    public static long threadCpuTicks(long pid, String... prefixes) {
        return threadStats(pid).stream().filter(stat -> Stream.of(prefixes).anyMatch(statName(stat)::startsWith))
                .mapToLong(Proc::parseCpuTicks).sum();
    }

    /** Whether every thread is stopped (state T): SIGSTOP has taken effect, not just been sent. */
    public static boolean allThreadsStopped(long pid) {
        return threadStats(pid).stream().allMatch(stat -> stat.charAt(stat.lastIndexOf(')') + 2) == 'T');
    }

    /** The /proc/PID/task/TID/stat texts of the threads still there. */
    private static List<String> threadStats(long pid) {
        List<String> stats = new ArrayList<>();
        for (Path task : list(pid, "task")) {
            try {
                stats.add(read(task.resolve("stat")));
            } catch (UncheckedIOException endedMeanwhile) {
                // not a thread any more
            }
        }
        return stats;
    }

    /** Resident memory of the process in KiB: the VmRSS line of /proc/PID/status. */
    public static long rssKiB(long pid) {
        return parseRssKiB(read(file(pid, "status")));
    }

    /** One descriptor an epoll instance watches, as a "tfd:" line of /proc/PID/fdinfo/EPFD shows it. */
    public record EpollRegistration(int fd, int events) {
        /** EPOLLET, bit 31 of the mask (a value the Linux ABI fixes; the binding's tests check it). */
        public boolean edgeTriggered() {
            return (events & 0x80000000) != 0;
        }
    }

    /** The "tfd:" lines of the fdinfo of each epoll instance of the process (proc(5)); epoll adds EPOLLERR|EPOLLHUP. */
    public static List<EpollRegistration> epollRegistrations(long pid) {
        List<EpollRegistration> found = new ArrayList<>();
        for (Path fd : list(pid, "fd")) {
            if (linkTarget(fd).equals("anon_inode:[eventpoll]")) {
                String info = read(file(pid, "fdinfo/" + fd.getFileName()));
                for (String line : info.lines().filter(l -> l.startsWith("tfd:")).toList()) {
                    String[] f = line.trim().split("\\s+"); // tfd: 9 events: 19 data: ...
                    found.add(new EpollRegistration(Integer.parseInt(f[1]), Integer.parseUnsignedInt(f[3], 16)));
                }
            }
        }
        return found;
    }

    /** A TcpExt counter, such as ListenOverflows (SYNs dropped on a full accept queue): /proc/net/netstat. */
    public static long tcpExtCounter(String name) {
        // A line of names, then one of values.
        List<String> lines = read(Path.of("/proc/net/netstat")).lines().filter(l -> l.startsWith("TcpExt:")).toList();
        int at = List.of(lines.get(0).split("\\s+")).indexOf(name);
        if (at < 1) {
            throw new IllegalArgumentException("no TcpExt counter " + name + " in /proc/net/netstat");
        }
        return Long.parseLong(lines.get(1).split("\\s+")[at]);
    }

    /** The states of every TCP socket on local port {@code port} by name (LISTEN, TIME_WAIT...; tcp_states.h). */
    public static List<String> tcpStates(int port) {
        return tcpTable(false).stream().filter(f -> localPort(f) == port)
                .map(f -> TCP_STATES[Math.min(Integer.parseInt(f[3], 16), TCP_STATES.length - 1)])
                .toList();
    }

    /** A listening TCP socket, as a line of /proc/net/tcp or tcp6 shows it. */
    public record Listener(int port, int acceptQueue, long inode) {
        /** Local address:port in hex, remote, state, tx_queue:rx_queue (the accept queue), ..., inode (field 9). */
        static Listener of(String[] f) {
            int acceptQueue = Integer.parseInt(f[4].substring(f[4].indexOf(':') + 1), 16);
            return new Listener(localPort(f), acceptQueue, Long.parseLong(f[9]));
        }
    }

    /**
     * The connections in the accept queue of the socket listening on {@code port} (0 if none listens): the
     * Recv-Q of {@code ss -lnt}; listen(backlog) bounds it at backlog + 1, beyond which the kernel drops handshakes.
     */
    public static int acceptQueueLength(int port) {
        return listeners().stream().filter(l -> l.port() == port).mapToInt(Listener::acceptQueue).sum();
    }

    /** The port of the process's first listening socket; empty while it listens on none. */
    public static OptionalInt listeningPort(long pid) {
        Set<Long> held = socketInodes(pid);
        return listeners().stream().filter(l -> held.contains(l.inode())).mapToInt(Listener::port).findFirst();
    }

    /** The listening TCP sockets of this network namespace (tcp6 is where a java.net.ServerSocket listens). */
    public static List<Listener> listeners() {
        return tcpTable(true).stream().map(Listener::of).toList();
    }

    private static int localPort(String[] tcpLine) {
        return Integer.parseInt(tcpLine[1].substring(tcpLine[1].lastIndexOf(':') + 1), 16);
    }

    /** The lines of /proc/net/tcp and tcp6 (absent without IPv6), split into fields. */
    private static List<String[]> tcpTable(boolean listenersOnly) {
        List<String[]> rows = new ArrayList<>();
        for (Path table : List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"))) {
            try (BufferedReader lines = Files.newBufferedReader(table, StandardCharsets.ISO_8859_1)) {
                rows.addAll(parseTcpTable(lines.lines(), listenersOnly));
            } catch (NoSuchFileException ipv6Disabled) {
                // no tcp6 table
            } catch (IOException e) {
                throw unreadable(table, e);
            }
        }
        return rows;
    }

    /**
     * A /proc/net/tcp table without its header. The kernel lists listening sockets (state 0A) first and makes
     * the text as it is read, walking its whole connection table (milliseconds on a big machine): for
     * {@code listenersOnly} this stops at the first other line.
     */
    static List<String[]> parseTcpTable(Stream<String> table, boolean listenersOnly) {
        return table.skip(1).map(line -> line.trim().split(" +"))
                .takeWhile(fields -> !listenersOnly || fields[3].equals("0A")).toList();
    }

    /** utime + stime of a /proc/PID/stat (or /proc/PID/task/TID/stat) text. */
    public static long parseCpuTicks(String stat) {
        return statField(stat, 14) + statField(stat, 15);
    }

    /** Field {@code field} (3 or more, as numbered in proc(5)) of a /proc/PID/stat text. */
    public static long statField(String stat, int field) {
        if (field < 3) {
            throw new IllegalArgumentException("field " + field + " is not a number field");
        }
        // Field 2, the command name in parentheses, may itself hold spaces and ')': count after the last ')'.
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +")[field - 3]);
    }

    private static String statName(String stat) {
        return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    }

    static long parseRssKiB(String status) {
        String rss = value(status, "VmRSS:")
                .orElseThrow(() -> new IllegalStateException("no VmRSS line (a zombie has none):\n" + status));
        return Long.parseLong(rss.replace("kB", "").trim());
    }

    /** In "name value" lines (/proc/PID/status, /proc/meminfo...): the rest of the first line starting with name. */
    public static Optional<String> value(String text, String name) {
        return text.lines().filter(line -> line.startsWith(name)).map(line -> line.substring(name.length()).strip())
                .findFirst();
    }

    /**
     * A whole /proc file, in large blocks: /proc files report size 0, and a sysctl file reads as empty past
     * offset 0 (a read of one byte first would get "4" of "4096"). Latin-1: a command name need not be UTF-8.
     */
    public static String read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    private static Path file(long pid, String name) {
        return Path.of("/proc", Long.toString(pid), name);
    }

    /** The entries of /proc/PID/{@code dir}. */
    private static List<Path> list(long pid, String dir) {
        Path path = file(pid, dir);
        try (Stream<Path> entries = Files.list(path)) {
            return entries.toList();
        } catch (IOException e) {
            throw unreadable(path, e);
        }
    }

    /** Where a /proc/PID/fd entry points ("socket:[123]", a path...), or "" if it closed meanwhile. */
    private static String linkTarget(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException closedMeanwhile) {
            return "";
        }
    }

    private static UncheckedIOException unreadable(Path file, IOException e) {
        String hint = e instanceof NoSuchFileException ? " (has the process exited?)" : "";
        return new UncheckedIOException("cannot read " + file + hint, e);
    }
}
