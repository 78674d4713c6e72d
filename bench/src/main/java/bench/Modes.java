package bench;

import static bench.Server.*;
import static bench.Settings.*;

import bench.Measure.Row;
import bench.Server.Running;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import testkit.Await;
import testkit.ChapterProcess;

/**
 * modes: level- against edge-triggered (chapters 3 and 4) side by side after a 30,000-request warm-up: the server's CPU
 * per request (user, system) in interleaved rounds; its system calls per request by step, failing ones (EAGAIN) apart,
 * counted by perf at the kernel's syscall tracepoints, cheap for the server (strace would stop it at every call and
 * change how events batch); with the article's short request and one of some 4 KB, which chapter 3 reads in 1,024-byte
 * pieces, one wake-up each. The C and java.nio references are counted for comparison.
 */
final class Modes {
    static final List<Server> SERVERS = List.of(CH3, CH4, C_REF, NIO_REF);
    static final List<Server> MODES = List.of(CH3, CH4);
    static final int[] PADDING = {0, 4_000};

    record Call(String step, String label, String event, String filter) {}

    static final List<Call> CALLS = List.of(
            new Call("accept", "accept4: a connection", "sys_exit_accept4", "ret >= 0"),
            new Call("accept", "accept4: failed (EAGAIN: queue drained)", "sys_exit_accept4", "ret < 0"),
            new Call("accept", "accept (java.nio): a connection", "sys_exit_accept", "ret >= 0"),
            new Call("accept", "ioctl (FIONBIO: setblocking)", "sys_enter_ioctl", null),
            new Call("accept", "fcntl (java.nio: non-blocking)", "sys_enter_fcntl", null),
            new Call("accept", "epoll_ctl ADD", "sys_enter_epoll_ctl", "op == 1"),
            new Call("read", "recvfrom: bytes", "sys_exit_recvfrom", "ret > 0"),
            new Call("read", "recvfrom: failed (EAGAIN: drained)", "sys_exit_recvfrom", "ret < 0"),
            new Call("read", "read (java.nio): bytes", "sys_exit_read", "ret > 0"),
            new Call("read", "epoll_ctl MOD (to EPOLLOUT, later to 0)", "sys_enter_epoll_ctl", "op == 3"),
            new Call("read", "write (a chapter's print; java.nio's reply)", "sys_enter_write", null),
            new Call("reply", "sendto", "sys_enter_sendto", null),
            new Call("reply", "shutdown", "sys_enter_shutdown", null),
            new Call("hang-up", "epoll_ctl DEL", "sys_enter_epoll_ctl", "op == 2"),
            new Call("hang-up", "close", "sys_enter_close", null),
            new Call("wait", "epoll_wait", "sys_enter_epoll_wait", null),
            new Call("wait", "epoll_pwait", "sys_enter_epoll_pwait", null));

    static void run(Settings s) {
        Page.Data d = new Page.Data("modes", s);
        int rounds = s.full() ? 6 : 3;
        LoadGen.Config load = LoadGen.Config.of(C).requests(s.full() ? 40_000 : 10_000);
        String perf = perfMissing();
        Table raw = Measure.rawTable("padding", "round");
        Table counts = new Table("padding", "server", "call", "calls", "ok_replies");
        d.attempt("", () -> Measure.with(SERVERS, BACKLOG, running -> {
            for (Running r : running) LoadGen.run(LoadGen.Config.of(C).requests(30_000).port(r.port())); // unmeasured
            List<Running> modes = running.stream().filter(r -> MODES.contains(r.server())).toList();
            for (int pad : PADDING) {
                String size = pad == 0 ? "plain" : "padded";
                compare(Measure.rounds(modes, r -> 0, rounds, load.padding(pad), " padding " + pad, raw, pad), size, d);
                if (perf == null) d.put("calls." + size, calls(running, load.padding(pad), pad, counts));
            }
            for (Running r : modes) d.put("main_versions." + r.server().name(), mainVersions(r));
        }));
        raw.writeCsv(Page.file("modes.csv"));
        counts.writeCsv(Page.file("modes-calls.csv"));
        d.put("rounds", rounds).put("load", load.cli()).put("padded_load", load.padding(PADDING[1]).cli());
        if (perf != null) d.put("perf_missing", perf);
        d.save();
    }

    /** System calls per request of each server, by {@link #CALLS}; a row only for calls some server makes. */
    private static Table calls(List<Running> running, LoadGen.Config load, int pad, Table counts) {
        List<double[]> perRequest = running.stream().map(r -> counted(r, load, pad, counts)).toList();
        Table t = new Table("step", "system call", "chapter 3 (LT)", "chapter 4 (ET)", "C reference (LT)",
                "java.nio reference");
        IntStream.range(0, CALLS.size()).filter(j -> perRequest.stream().anyMatch(p -> p[j] >= 0.0005)).forEach(j ->
                t.add(CALLS.get(j).step(), CALLS.get(j).label(), perRequest.stream().map(p -> p[j]).toList()));
        return t;
    }

    /** A request size's CPU table; ET against LT: "dearer" or "cheaper" when the rounds do not overlap, else "same". */
    private static void compare(List<Row> rows, String size, Page.Data d) {
        List<Row> lt = Measure.of(rows, CH3);
        List<Row> et = Measure.of(rows, CH4);
        List<Spread> l = Measure.cpuCells(lt); // all, user, system, JIT
        List<Spread> e = Measure.cpuCells(et);
        d.put("cpu." + size, new Table("server", "server CPU µs/req", "user", "system", "of which JIT", "req/s")
                .add(CH3.label, l, Spread.of(lt, Row::rate)).add(CH4.label, e, Spread.of(et, Row::rate)));
        d.put(size + ".lt", l.get(0).median()).put(size + ".et", e.get(0).median()).put(size + ".verdict",
                e.get(0).min() > l.get(0).max() ? "dearer" : e.get(0).max() < l.get(0).min() ? "cheaper" : "same");
        List<String> keys = List.of("", "_user", "_sys", "_jit");
        for (int i = 0; i < 4; i++) d.put(size + ".delta" + keys.get(i), e.get(i).median() - l.get(i).median());
    }

    /**
     * How many C2-compiled versions of workbook.Server.main the JVM holds (jcmd Compiler.codelist, level 4). main
     * holds the whole event loop and never returns, so it is compiled on stack (OSR), once per loop it is entered from.
     */
    private static long mainVersions(Running r) {
        String jcmd = System.getProperty("java.home") + "/bin/jcmd";
        return ChapterProcess.output(Duration.ofSeconds(60), List.of(jcmd, Long.toString(r.pid()), "Compiler.codelist"))
                .lines().filter(l -> l.matches("\\d+ 4 \\d+ workbook\\.Server\\.main\\(.*")).count();
    }

    /** Null when perf can count syscall tracepoints here; otherwise why not. */
    private static String perfMissing() {
        ChapterProcess.Finished f = Page.tryRun("perf", "stat", "-e", "syscalls:sys_enter_close", "true");
        return f == null ? "perf is not installed (Debian: apt-get install linux-perf)" : f.exitCode() == 0 ? null
                : "perf cannot count syscall tracepoints here: " + f.stderr().strip().lines().findFirst().orElse("");
    }

    /**
     * perf stat -x, -I's lines ("time,count,,event,..."), one per event per interval, summed per event:
     * {@code events} sums, the last left for the caller. "<not counted>" is an interval the process slept through.
     */
    static long[] sumIntervals(List<String> lines, int events) {
        long[] sums = new long[events];
        List<String> counts = lines.stream().filter(l -> l.contains("syscalls:")).map(l -> l.split(",")[1])
                .map(c -> c.startsWith("<") ? "0" : c).toList();
        for (int i = 0; i < counts.size(); i++) sums[i % (events - 1)] += Long.parseLong(counts.get(i));
        return sums;
    }

    /**
     * The calls of {@link #CALLS} per OK reply that a running server made during one load, their counts added to
     * {@code counts}. perf prints every 100 ms (0 ms is not allowed) to its stderr: its first line says it is attached.
     */
    private static double[] counted(Running r, LoadGen.Config load, int pad, Table counts) {
        List<String> command = new ArrayList<>(List.of("perf", "stat", "-x", ",", "-I", "100", "-p", "" + r.pid()));
        for (Call c : CALLS) {
            command.addAll(List.of("-e", "syscalls:" + c.event()));
            if (c.filter() != null) command.addAll(List.of("--filter", c.filter()));
        }
        try (ChapterProcess perf = ChapterProcess.startHelper(command)) {
            Supplier<Long> printed = () -> perf.stderr().lines().filter(l -> l.contains("syscalls:")).count();
            Await.until(() -> printed.get() > 0, Duration.ofSeconds(10), "perf to attach");
            long ok = Math.max(1, Measure.run(r, load.label(r.server().name() + " counted"), 0).ok());
            long before = printed.get();
            // One more interval, so the one in progress when the load ended is printed too.
            Await.until(() -> printed.get() >= before + CALLS.size(), Duration.ofSeconds(10), "perf's next interval");
            long[] sums = sumIntervals(perf.stderr().lines().toList(), CALLS.size() + 1);
            for (int j = 0; j < CALLS.size(); j++) counts.add(pad, r.server(), CALLS.get(j).label(), sums[j], ok);
            return IntStream.range(0, CALLS.size()).mapToDouble(j -> (double) sums[j] / ok).toArray();
        }
    }
}
