package bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import testkit.Proc;

/**
 * The kernel's counters an experiment compares before and after a run, read
 * from /proc: the server's CPU time (its JIT compiler's share apart) and the
 * system-wide TCP counters. Per-process figures that tests use too (CPU time,
 * memory, sockets, the accept queue) come from {@link Proc}.
 *
 * <p>The TCP counters are per network namespace, not per server: anything
 * else using TCP on this machine at the same time shows up in them.
 */
final class Counters {
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
        return new Snapshot(Proc.cpuTicks(pid), jitTicks(pid), tcp.getOrDefault("ListenOverflows", 0L),
                tcp.getOrDefault("ListenDrops", 0L), tcp.getOrDefault("TCPSynRetrans", 0L));
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
                    ticks += Proc.parseCpuTicks(stat);
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return ticks;
    }

    /** CPU time (user + system) of the reaped children of a process, in clock ticks: fields 16 and 17. */
    static long childCpuTicks(String stat) {
        return Proc.statField(stat, 16) + Proc.statField(stat, 17);
    }

    /** The TcpExt counters of /proc/net/netstat: a header line of names, then a line of values. */
    static Map<String, Long> tcpExt() {
        List<String> lines = Harness.lines(Path.of("/proc/net/netstat"));
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
        for (String line : Harness.lines(Path.of("/proc/net/sockstat"))) {
            if (line.startsWith("TCP:")) {
                String[] f = line.split("\\s+");
                for (int i = 1; i + 1 < f.length; i++) {
                    if (f[i].equals("tw")) return Integer.parseInt(f[i + 1]);
                }
            }
        }
        return 0;
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

    private Counters() {}
}
