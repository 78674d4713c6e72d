package testkit;

import java.io.BufferedReader;
import java.io.IOException;
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
        return socketInodes(pid).size();
    }

    /**
     * The inodes of the sockets the process holds: the numbers in the
     * {@code socket:[inode]} links of /proc/PID/fd. The same inode names the
     * socket in /proc/net/tcp, so a new inode is a new connection even when
     * another one closed meanwhile and the count stayed the same.
     */
    public static Set<Long> socketInodes(long pid) {
        Path fds = Path.of("/proc", Long.toString(pid), "fd");
        try (Stream<Path> entries = Files.list(fds)) {
            return entries.map(Proc::socketInode)
                    .flatMap(Optional::stream)
                    .collect(Collectors.toUnmodifiableSet());
        } catch (IOException e) {
            throw unreadable(fds, e);
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

    private static Optional<Long> socketInode(Path fd) {
        String target = linkTarget(fd);
        String prefix = "socket:[";
        return target.startsWith(prefix)
                ? Optional.of(Long.parseLong(target.substring(prefix.length(), target.length() - 1)))
                : Optional.empty();
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

    /** The system part of {@link #cpuTicks}: time the kernel spent on the process's behalf (field 15). */
    public static long systemTicks(long pid) {
        return statField(read(Path.of("/proc", Long.toString(pid), "stat")), 15);
    }

    /**
     * CPU ticks of the process's threads whose name starts with one of {@code prefixes}, as
     * /proc/PID/task/TID/stat names them: "C2 CompilerThre" is a JVM's C2 JIT compiler.
     */
    public static long threadCpuTicks(long pid, String... prefixes) {
        long ticks = 0;
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (Stream<Path> threads = Files.list(tasks)) {
            for (Path thread : (Iterable<Path>) threads::iterator) {
                String stat;
                try {
                    stat = Files.readString(thread.resolve("stat"), StandardCharsets.ISO_8859_1);
                } catch (IOException ended) {
                    continue; // the thread ended meanwhile
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (Stream.of(prefixes).anyMatch(name::startsWith)) {
                    ticks += parseCpuTicks(stat);
                }
            }
        } catch (IOException e) {
            throw unreadable(tasks, e);
        }
        return ticks;
    }

    /**
     * Whether every thread of the process is stopped (state T in /proc/PID/task/TID/stat, field 3,
     * after the command name): SIGSTOP has taken effect, not just been sent.
     */
    public static boolean allThreadsStopped(long pid) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (Stream<Path> threads = Files.list(tasks)) {
            return threads.allMatch(task -> {
                try {
                    String stat = read(task.resolve("stat"));
                    return stat.charAt(stat.lastIndexOf(')') + 2) == 'T';
                } catch (UncheckedIOException endedMeanwhile) {
                    return true;
                }
            });
        } catch (IOException e) {
            throw unreadable(tasks, e);
        }
    }

    /** Resident memory of the process in KiB: the VmRSS line of /proc/PID/status. */
    public static long rssKiB(long pid) {
        return parseRssKiB(read(Path.of("/proc", Long.toString(pid), "status")));
    }

    /** One descriptor an epoll instance watches, as a "tfd:" line of /proc/PID/fdinfo/EPFD shows it. */
    public record EpollRegistration(int fd, int events) {
        /** EPOLLET, bit 31 of the mask (a value the Linux ABI fixes; the binding's tests check it). */
        public boolean edgeTriggered() {
            return (events & 0x80000000) != 0;
        }
    }

    /**
     * Every registration of every epoll instance the process holds: for each
     * descriptor linking to {@code anon_inode:[eventpoll]}, the lines
     * {@code tfd: FD events: HEX data: ...} of its fdinfo (proc(5)). The mask is
     * the one asked for plus EPOLLERR and EPOLLHUP, which do_epoll_ctl adds to
     * every registration (epoll always reports them).
     */
    public static List<EpollRegistration> epollRegistrations(long pid) {
        Path fds = Path.of("/proc", Long.toString(pid), "fd");
        List<EpollRegistration> found = new ArrayList<>();
        try (Stream<Path> entries = Files.list(fds)) {
            for (Path fd : (Iterable<Path>) entries::iterator) {
                if (!linkTarget(fd).equals("anon_inode:[eventpoll]")) {
                    continue;
                }
                String info = read(Path.of("/proc", Long.toString(pid), "fdinfo", fd.getFileName().toString()));
                for (String line : info.lines().filter(l -> l.startsWith("tfd:")).toList()) {
                    String[] f = line.trim().split("\\s+"); // tfd: 9 events: 19 data: ...
                    found.add(new EpollRegistration(Integer.parseInt(f[1]), Integer.parseUnsignedInt(f[3], 16)));
                }
            }
        } catch (IOException e) {
            throw unreadable(fds, e);
        }
        return found;
    }

    /**
     * A TcpExt counter of this network namespace, such as ListenOverflows (SYNs
     * dropped because an accept queue was full): /proc/net/netstat, a line of
     * names and then a line of values.
     */
    public static long tcpExtCounter(String name) {
        List<String> lines = read(Path.of("/proc/net/netstat")).lines().filter(l -> l.startsWith("TcpExt:")).toList();
        List<String> names = List.of(lines.get(0).split("\\s+"));
        int at = names.indexOf(name);
        if (at < 1) {
            throw new IllegalArgumentException("no TcpExt counter " + name + " in /proc/net/netstat");
        }
        return Long.parseLong(lines.get(1).split("\\s+")[at]);
    }

    /**
     * The states of every TCP socket whose local port is {@code port}, as /proc/net/tcp and tcp6
     * list them, by name (LISTEN, ESTABLISHED, TIME_WAIT...; include/net/tcp_states.h). The whole
     * tables are read: a test's machine has few connections.
     */
    public static List<String> tcpStates(int port) {
        String[] names = {"?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT", "CLOSE",
            "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV"};
        List<String> states = new ArrayList<>();
        for (Path table : List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"))) {
            if (!Files.exists(table)) {
                continue;
            }
            read(table).lines().skip(1).map(line -> line.trim().split(" +"))
                    .filter(f -> Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16) == port)
                    .map(f -> names[Math.min(Integer.parseInt(f[3], 16), names.length - 1)])
                    .forEach(states::add);
        }
        return states;
    }

    /** A listening TCP socket, as a line of /proc/net/tcp or tcp6 shows it. */
    public record Listener(int port, int acceptQueue, long inode) {
    }

    /**
     * How many connections wait in the accept queue of the socket listening on
     * {@code port}: the kernel has completed their handshake, the server has
     * not yet called accept. This is the Recv-Q column of {@code ss -lnt};
     * listen(backlog) bounds it at backlog + 1, beyond which the kernel drops
     * new handshakes.
     *
     * @return 0 if nothing listens on the port
     */
    public static int acceptQueueLength(int port) {
        return listeners().stream().filter(l -> l.port() == port).mapToInt(Listener::acceptQueue).sum();
    }

    /**
     * The TCP port the process listens on: of its sockets, the first listening
     * one in the order /proc/net/tcp and tcp6 list them. Empty while it listens
     * on none (not yet, or no more); throws {@link UncheckedIOException} once
     * the process has exited.
     */
    public static OptionalInt listeningPort(long pid) {
        Set<Long> held = socketInodes(pid);
        return listeners().stream().filter(l -> held.contains(l.inode())).mapToInt(Listener::port).findFirst();
    }

    /**
     * The listening TCP sockets of this network namespace: /proc/net/tcp,
     * then /proc/net/tcp6 (where a java.net.ServerSocket listens).
     */
    public static List<Listener> listeners() {
        List<Listener> found = new ArrayList<>();
        for (Path table : List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"))) {
            try (BufferedReader lines = Files.newBufferedReader(table, StandardCharsets.ISO_8859_1)) {
                found.addAll(parseListeners(lines));
            } catch (NoSuchFileException ipv6Disabled) {
                // no tcp6 table on a kernel without IPv6
            } catch (IOException e) {
                throw unreadable(table, e);
            }
        }
        return found;
    }

    /**
     * utime + stime from the text of /proc/PID/stat (or of one thread's
     * /proc/PID/task/TID/stat: the same layout): fields 14 and 15.
     */
    public static long parseCpuTicks(String stat) {
        return statField(stat, 14) + statField(stat, 15);
    }

    /**
     * Field {@code field} of a /proc/PID/stat text, numbered as in proc(5)
     * (1 is the pid). The second field is the command name in parentheses,
     * and it may itself contain spaces and ')' (a program may well be called
     * "a) b"): so fields are counted after the LAST ')', where field 3 starts.
     */
    public static long statField(String stat, int field) {
        if (field < 3) {
            throw new IllegalArgumentException("field " + field + " is not a number field");
        }
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
        return Long.parseLong(fields[field - 3]);
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
     * The LISTEN lines of /proc/net/tcp or tcp6. A line there reads
     * {@code "0: 00000000:1F90 00000000:0000 0A 00000000:00000001 ... 0 1065 1 ..."}:
     * local address:port in hex, remote, state (0A is LISTEN),
     * tx_queue:rx_queue (for a listening socket rx_queue is the accept queue),
     * and in the tenth field the socket's inode.
     *
     * <p>The kernel lists listening sockets first, and it makes the text as
     * it is read, walking its whole connection table (262,144 buckets on a
     * 24 GB machine: milliseconds). So this stops at the first line that is
     * not LISTEN, and the rest is never made.
     */
    static List<Listener> parseListeners(BufferedReader procNetTcp) throws IOException {
        String listen = "0A";
        procNetTcp.readLine(); // the header
        List<Listener> found = new ArrayList<>();
        for (String line = procNetTcp.readLine(); line != null; line = procNetTcp.readLine()) {
            String[] fields = line.trim().split(" +");
            if (!fields[3].equals(listen)) {
                break;
            }
            String local = fields[1];
            String rxQueue = fields[4].substring(fields[4].indexOf(':') + 1);
            found.add(new Listener(Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16),
                    Integer.parseInt(rxQueue, 16), Long.parseLong(fields[9])));
        }
        return found;
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
