package bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel's own counters, read from /proc: a process's CPU time and
 * memory, and the system-wide TCP counters an experiment compares before and
 * after a run. The TCP counters are per network namespace, not per server:
 * anything else using TCP on this machine at the same time shows up in them.
 */
final class Proc {
    /** Clock ticks per second of /proc/PID/stat's utime and stime (USER_HZ: 100 on Linux). */
    static final int CLK_TCK = clockTicks();

    /** The TCP counters and a process's CPU time at one moment. */
    record Snapshot(long cpuTicks, long jitTicks, long listenOverflows, long listenDrops, long synRetrans) {
        Snapshot minus(Snapshot before) {
            return new Snapshot(cpuTicks - before.cpuTicks, jitTicks - before.jitTicks, listenOverflows - before.listenOverflows,
                    listenDrops - before.listenDrops, synRetrans - before.synRetrans);
        }

        double cpuSeconds() {
            return (double) cpuTicks / CLK_TCK;
        }
    }

    static Snapshot snapshot(long pid) {
        Map<String, Long> tcp = tcpExt();
        return new Snapshot(cpuTicks(pid), jitTicks(pid), tcp.getOrDefault("ListenOverflows", 0L),
                tcp.getOrDefault("ListenDrops", 0L), tcp.getOrDefault("TCPSynRetrans", 0L));
    }

    /** User plus system CPU time of all threads of the process so far, in clock ticks. */
    static long cpuTicks(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        // The command name in parentheses may contain spaces: fields are counted after ')'.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 (utime) and 15 (stime)
    }

    /**
     * CPU ticks so far of the JVM's JIT compiler threads ("C1 CompilerThre",
     * "C2 CompilerThre" in /proc/PID/task/TID/stat; 0 for a process without them).
     */
    static long jitTicks(long pid) {
        long ticks = 0;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended meanwhile
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return ticks;
    }

    /** CPU time (user + system) of the reaped children of a process, in clock ticks: fields 16 and 17. */
    static long childCpuTicks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }

    /** Resident memory of the process in KiB (VmRSS). */
    static long rssKiB(long pid) {
        for (String line : lines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        return 0;
    }

    /** The TcpExt counters of /proc/net/netstat: a header line of names, then a line of values. */
    static Map<String, Long> tcpExt() {
        List<String> lines = lines(Path.of("/proc/net/netstat"));
        Map<String, Long> counters = new HashMap<>();
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).startsWith("TcpExt:") && lines.get(i + 1).startsWith("TcpExt:")) {
                String[] names = lines.get(i).split("\\s+");
                String[] values = lines.get(i + 1).split("\\s+");
                for (int j = 1; j < names.length && j < values.length; j++) {
                    counters.put(names[j], Long.parseLong(values[j]));
                }
            }
        }
        return counters;
    }

    /** Sockets in TIME_WAIT, from /proc/net/sockstat ("TCP: inuse 5 orphan 0 tw 12 ..."). */
    static int timeWait() {
        for (String line : lines(Path.of("/proc/net/sockstat"))) {
            if (line.startsWith("TCP:")) {
                String[] f = line.split("\\s+");
                for (int i = 1; i + 1 < f.length; i++) {
                    if (f[i].equals("tw")) return Integer.parseInt(f[i + 1]);
                }
            }
        }
        return 0;
    }

    /**
     * The LISTEN sockets of /proc/net/tcp and tcp6, as fields. The kernel lists
     * listening sockets first, then the established and TIME_WAIT ones, which
     * here run to a hundred thousand lines: reading stops at the first of those.
     */
    static List<String[]> listeners() {
        List<String[]> found = new ArrayList<>();
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            Path p = Path.of(table);
            if (!Files.exists(p)) continue;
            try (BufferedReader in = Files.newBufferedReader(p)) {
                in.readLine(); // header
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    // sl local_address rem_address st tx_queue:rx_queue tr tm->when retrnsmt uid timeout inode
                    String[] f = line.trim().split("\\s+");
                    if (f.length < 10 || !f[3].equals("0A")) break;
                    found.add(f);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return found;
    }

    /** The inodes of the TCP sockets in LISTEN state, with their ports. */
    static Map<Long, Integer> listeningPorts() {
        Map<Long, Integer> ports = new HashMap<>();
        for (String[] f : listeners()) {
            ports.put(Long.parseLong(f[9]), Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16));
        }
        return ports;
    }

    /**
     * Connections waiting in the accept queue of the socket listening on
     * {@code port}: for a LISTEN socket, rx_queue is that count.
     */
    static int acceptQueue(int port) {
        for (String[] f : listeners()) {
            if (f[1].endsWith(String.format(":%04X", port))) return Integer.parseInt(f[4].substring(f[4].indexOf(':') + 1), 16);
        }
        return 0;
    }

    /** The socket inodes a process holds open ("socket:[12345]" links in /proc/PID/fd). */
    static List<Long> socketInodes(long pid) {
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.map(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    return target.startsWith("socket:[") ? Long.parseLong(target.substring(8, target.length() - 1)) : -1L;
                } catch (IOException e) {
                    return -1L; // closed meanwhile
                }
            }).filter(i -> i >= 0).toList();
        } catch (IOException e) {
            return List.of(); // not started yet, or gone
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static int clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return Integer.parseInt(out);
        } catch (IOException | NumberFormatException e) {
            return 100; // USER_HZ on every Linux architecture in use
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }

    private Proc() {}
}
