package testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;

/** What the kernel says about a process or a port, read afresh from /proc (as ls /proc/PID/fd, ps and ss -lnt show). */
public final class Proc {

    private static final String[] TCP_STATES = {"?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
        "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV"};

    private Proc() {}

    /** How many of the process's descriptors are sockets: connections, without the noise of the JVM's files. */
    public static int openSockets(long pid) {
        return socketInodes(pid).size();
    }

    /** The inodes of the process's sockets: a new inode is a new connection, even if the count stayed the same. */
    public static Set<Long> socketInodes(long pid) {
        return Set.copyOf(list(pid, "fd").stream().map(Proc::linkTarget).filter(t -> t.startsWith("socket:["))
                .map(t -> Long.parseLong(t.substring("socket:[".length(), t.length() - 1))).toList());
    }

    /** CPU time the process has used, user plus system, in clock ticks (USER_HZ, 100 a second: getconf CLK_TCK). */
    public static long cpuTicks(long pid) {
        return parseCpuTicks(read(Path.of("/proc/" + pid, "stat")));
    }

    /** The system part of {@link #cpuTicks}: time the kernel spent on the process's behalf. */
    public static long systemTicks(long pid) {
        return statField(read(Path.of("/proc/" + pid, "stat")), 15);
    }

    /** CPU ticks of the threads whose name starts with one of {@code prefixes}: "C2 CompilerThre" is a JVM's JIT. */
    public static long threadCpuTicks(long pid, String... prefixes) {
        return threadStats(pid).filter(stat -> Stream.of(prefixes)
                        .anyMatch(stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))::startsWith))
                .mapToLong(Proc::parseCpuTicks).sum();
    }

    /** Whether every thread is stopped (state T): SIGSTOP has taken effect, not just been sent. */
    public static boolean allThreadsStopped(long pid) {
        return threadStats(pid).allMatch(stat -> stat.charAt(stat.lastIndexOf(')') + 2) == 'T');
    }

    private static Stream<String> threadStats(long pid) {
        return list(pid, "task").stream().<String>mapMulti((task, stats) -> {
            try {
                stats.accept(read(task.resolve("stat")));
            } catch (UncheckedIOException threadEndedMeanwhile) {
            }
        });
    }

    /** Resident memory of the process in KiB: the VmRSS line of /proc/PID/status. */
    public static long rssKiB(long pid) {
        return parseRssKiB(read(Path.of("/proc/" + pid, "status")));
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
        return list(pid, "fd").stream().filter(fd -> linkTarget(fd).equals("anon_inode:[eventpoll]"))
                .flatMap(fd -> read(Path.of("/proc/" + pid + "/fdinfo/" + fd.getFileName())).lines())
                .filter(line -> line.startsWith("tfd:")).map(line -> line.trim().split("\\s+")) // tfd: 9 events: 19 ...
                .map(f -> new EpollRegistration(Integer.parseInt(f[1]), Integer.parseUnsignedInt(f[3], 16))).toList();
    }

    /** A TcpExt counter, such as ListenOverflows (SYNs dropped on a full accept queue): /proc/net/netstat. */
    public static long tcpExtCounter(String name) {
        List<String> tcpExt = read(Path.of("/proc/net/netstat")).lines().filter(l -> l.startsWith("TcpExt:")).toList();
        int at = List.of(tcpExt.get(0).split("\\s+")).indexOf(name); // a line of names, then one of values
        if (at < 1) throw new IllegalArgumentException("no TcpExt counter " + name + " in /proc/net/netstat");
        return Long.parseLong(tcpExt.get(1).split("\\s+")[at]);
    }

    /** The states of every TCP socket on local port {@code port} by name (LISTEN, TIME_WAIT...; tcp_states.h). */
    public static List<String> tcpStates(int port) {
        return tcpTable(false).stream().filter(f -> hexAfterColon(f[1]) == port)
                .map(f -> TCP_STATES[Math.min(Integer.parseInt(f[3], 16), TCP_STATES.length - 1)]).toList();
    }

    /** A listening TCP socket, as a line of /proc/net/tcp or tcp6 shows it. */
    public record Listener(int port, int acceptQueue, long inode) {
        /** Local address:port in hex, remote, state, tx_queue:rx_queue (the accept queue), ..., inode (field 9). */
        static Listener of(String[] f) {
            return new Listener(hexAfterColon(f[1]), hexAfterColon(f[4]), Long.parseLong(f[9]));
        }
    }

    /** The accept queue's length on port (0 if none listens): ss -lnt's Recv-Q, at most listen's backlog + 1. */
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

    private static int hexAfterColon(String field) {
        return Integer.parseInt(field.substring(field.lastIndexOf(':') + 1), 16);
    }

    /** The lines of /proc/net/tcp and tcp6 (absent without IPv6), split into fields. */
    private static List<String[]> tcpTable(boolean listenersOnly) {
        return Stream.of("/proc/net/tcp", "/proc/net/tcp6").map(Path::of).filter(Files::exists).flatMap(table -> {
            try (Stream<String> lines = Files.lines(table, StandardCharsets.ISO_8859_1)) {
                return parseTcpTable(lines, listenersOnly).stream();
            } catch (IOException e) {
                throw unreadable(table, e);
            }
        }).toList();
    }

    /**
     * A /proc/net/tcp table without its header. The kernel lists listening sockets (state 0A) first and makes the text
     * as it is read, walking its whole table (milliseconds on a big machine): listenersOnly stops at the first other.
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
        // Field 2, the command name in parentheses, may itself hold spaces and ')': count after the last ')'.
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +")[field - 3]);
    }

    static long parseRssKiB(String status) {
        return value(status, "VmRSS:").map(rss -> Long.parseLong(rss.replace("kB", "").trim()))
                .orElseThrow(() -> new IllegalStateException("no VmRSS line (a zombie has none):\n" + status));
    }

    /** In "name value" lines (/proc/PID/status, /proc/meminfo...): the rest of the first line starting with name. */
    public static Optional<String> value(String text, String name) {
        return text.lines().filter(l -> l.startsWith(name)).map(l -> l.substring(name.length()).strip()).findFirst();
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

    private static List<Path> list(long pid, String dir) {
        Path path = Path.of("/proc/" + pid, dir);
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
        return new UncheckedIOException("cannot read " + file + hint, e); // unchecked: fits an Await.until lambda
    }
}
