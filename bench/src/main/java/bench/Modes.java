package bench;

import bench.Harness.Running;
import bench.Harness.Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * modes: system calls per request for chapters 3 (level-triggered) and 4
 * (edge-triggered) under the same load, counted by strace attached to the
 * running, warmed-up server (so JVM start-up is not counted). The C and
 * java.nio references are shown for comparison.
 */
final class Modes implements Experiment {
    static final Server[] SERVERS = {Server.CH3, Server.CH4, Server.C_REF, Server.NIO_REF};
    static final String TRACE = "epoll_wait,epoll_pwait,epoll_pwait2,epoll_ctl,accept,accept4,fcntl,ioctl,setsockopt,recvfrom,recvmsg,read,"
            + "sendto,sendmsg,write,writev,shutdown,close";
    static final int CONCURRENCY = 100;

    @Override
    public String name() {
        return "modes";
    }

    /** strace -c's count for one system call. */
    record Count(long calls, long errors) {}

    @Override
    public void run(Settings s) {
        long n = s.full() ? 20_000 : 2_000;
        LoadGen.Config load = LoadGen.Config.forRequests(0, CONCURRENCY, n, 30, "");
        StringBuilder md = new StringBuilder("## System calls per request: level- against edge-triggered\n\n");
        md.append("`strace -c -f` attached to a running, warmed-up server counts its system calls while the load runs ")
                .append("(so JVM start-up is not counted; all threads are traced, but only the calls listed are counted). ")
                .append("strace slows the server many times over, so these rows measure counts, not speed.\n\n");
        md.append("Command: `").append(Results.command(name(), s)).append("`. Each row: a fresh server (e.g. `")
                .append(Server.CH3.shown(128)).append(" > /dev/null`), a warm-up, then `strace -c -f -e trace=").append(TRACE).append(" -p PID` during `")
                .append(load.cli()).append("`.\n\n");
        Table raw = new Table("server", "syscall", "calls", "errors", "ok_replies");
        if (!Harness.onPath("strace")) {
            md.append("**Not measured: strace is not installed (Debian: apt-get install strace).**\n\n");
            Results.save(name(), raw, md.toString(), "**System calls:** not counted: strace is not installed.");
            return;
        }
        Map<Server, Map<String, Count>> counts = new LinkedHashMap<>();
        Map<Server, Long> replies = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Server server : SERVERS) {
            if (server.missing() != null) {
                problems.add(server.label + ": not built (missing " + server.missing() + ")");
                continue;
            }
            try (Running r = Harness.start(server, 128)) {
                Measure.warmUp(r, CONCURRENCY, s);
                Map<String, Count> c = new LinkedHashMap<>();
                long ok = traced(r, load, server, c);
                counts.put(server, c);
                replies.put(server, ok);
                c.forEach((call, k) -> raw.add(server.name(), call, k.calls(), k.errors(), ok));
            } catch (RuntimeException e) {
                problems.add(server.label + ": " + e.getMessage());
            }
        }
        TreeSet<String> calls = new TreeSet<>();
        counts.values().forEach(c -> calls.addAll(c.keySet()));
        List<String> cols = new ArrayList<>(List.of("server"));
        cols.addAll(calls);
        cols.add("all listed");
        cols.add("failed (EAGAIN etc.)");
        Table t = new Table(cols.toArray(String[]::new));
        for (var e : counts.entrySet()) {
            double ok = Math.max(1, replies.get(e.getKey()));
            List<Object> cells = new ArrayList<>(List.of(e.getKey().label));
            long all = 0;
            long failed = 0;
            for (String call : calls) {
                Count k = e.getValue().get(call);
                cells.add(k == null ? 0.0 : k.calls() / ok);
                all += k == null ? 0 : k.calls();
                failed += k == null ? 0 : k.errors();
            }
            cells.add(all / ok);
            cells.add(failed / ok);
            t.add(cells.toArray());
        }
        md.append("Calls per OK reply:\n\n").append(t.markdown()).append('\n');
        Chapters.problems(md, problems);
        md.append("Reading it: `recvfrom`/`sendto` are the sockets' recv and send; `write` in a chapter's row is its printing ")
                .append("of each request to stdout (here /dev/null); in the java.nio row `read`/`write` are its socket reads and writes. ")
                .append("An edge-triggered loop must read until EAGAIN, so it makes failed recv calls a level-triggered loop does not; ")
                .append("epoll_wait calls per request fall as more events arrive per call.\n\n");
        Results.save(name(), raw, md.toString(), summary(counts, replies));
    }

    /** One line: epoll_wait and recv calls per request, level- against edge-triggered. */
    private static String summary(Map<Server, Map<String, Count>> counts, Map<Server, Long> replies) {
        List<String> parts = new ArrayList<>();
        for (Server server : List.of(Server.CH3, Server.CH4)) {
            Map<String, Count> c = counts.get(server);
            if (c == null) continue;
            double ok = Math.max(1, replies.get(server));
            Count wait = c.getOrDefault("epoll_wait", new Count(0, 0));
            Count recv = c.getOrDefault("recvfrom", new Count(0, 0));
            parts.add(server.label.substring(0, server.label.indexOf(" (")) + " made " + Table.number(wait.calls() / ok)
                    + " epoll_wait and " + Table.number(recv.calls() / ok) + " recv calls per request ("
                    + Table.number(recv.errors() / ok) + " of them failing with EAGAIN)");
        }
        return "**System calls** (under strace): " + (parts.isEmpty() ? "not counted" : String.join("; ", parts)) + ".";
    }

    /** Runs the load with strace attached to the server; fills {@code into}, returns the OK replies. */
    private static long traced(Running r, LoadGen.Config load, Server server, Map<String, Count> into) {
        try {
            Path out = Files.createTempFile(Harness.TMP, "strace", ".txt");
            Path err = Files.createTempFile(Harness.TMP, "strace", ".err");
            Process strace = new ProcessBuilder("strace", "-c", "-f", "-o", out.toString(), "-e", "trace=" + TRACE,
                    "-p", Long.toString(r.pid()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
            // strace says "Process N attached" per thread; wait for the first, then a moment for the rest.
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!Files.readString(err).contains("attached") && System.nanoTime() < deadline) Harness.sleep(20);
            Harness.sleep(500);
            LoadGen.Config c = new LoadGen.Config(new java.net.InetSocketAddress(load.target().getAddress(), r.port()),
                    load.concurrency(), load.requests(), 0, load.deadlineNanos(), 1, server.name().toLowerCase() + " under strace", true);
            LoadGen.Result result = LoadGen.run(c);
            Harness.stop(strace); // SIGTERM: strace detaches and writes its summary
            parse(Files.readAllLines(out), into);
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return result.count(Outcome.OK);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** strace -c's table: "% time seconds usecs/call calls [errors] syscall". */
    static void parse(List<String> lines, Map<String, Count> into) {
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 5 || !Character.isDigit(f[0].charAt(0)) || f[f.length - 1].equals("total")) continue;
            long calls = Long.parseLong(f[3]);
            long errors = f.length >= 6 ? Long.parseLong(f[4]) : 0;
            into.put(f[f.length - 1], new Count(calls, errors));
        }
    }
}
