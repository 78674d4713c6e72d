package bench;

import bench.Harness.Running;
import bench.Harness.Server;
import bench.Measure.Row;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import testkit.Proc;

/**
 * idle: K idle connections held open while one active client measures its
 * request latency, for chapter 2 (blocking) and chapters 3 and 4 (epoll),
 * with the server's resident memory against K.
 */
final class Idle implements Experiment {
    static final int[] KS = {0, 100, 1_000, 10_000};
    static final Server[] SERVERS = {Server.CH2, Server.CH3, Server.CH4};
    static final int BACKLOG = 128;
    /** How long the opening waits on a server whose accept queue stays full. */
    static final double STALL_SECONDS = 1;
    static final String LATENCY_CHART = "perf-idle-latency.png";
    static final String RSS_CHART = "perf-idle-rss.png";

    @Override
    public String name() {
        return "idle";
    }

    /** One row's repetitions, with how many idle connections were actually open. */
    private record Cell(List<Row> reps, List<Integer> opened, List<String> shortfalls, List<Long> rssBefore, List<Long> rssIdle) {}

    @Override
    public void run(Settings s) {
        Table raw = Measure.rawTable("idle_wanted", "idle_open", "rss_before_kib", "rss_idle_kib");
        Map<String, Cell> cells = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        // One active client: a fresh connection per request, one at a time. A request
        // normally takes well under a millisecond: a stalled one is given up after the window.
        LoadGen.Config load = LoadGen.Config.forDuration(0, 1, s.seconds(), s.seconds(), "");
        for (int rep = 1; rep <= s.reps(); rep++) {
            for (Server server : SERVERS) {
                if (server.missing() != null) {
                    if (rep == 1) problems.add(server.label + ": not built (missing " + server.missing() + ")");
                    continue;
                }
                for (int k : KS) {
                    Cell cell = cells.computeIfAbsent(server + "/" + k, x -> new Cell(new ArrayList<>(), new ArrayList<>(),
                            new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
                    int tw = Counters.timeWait();
                    try (Running r = Harness.start(server, BACKLOG)) {
                        // Warm up before the crowd arrives: chapter 2 cannot be warmed up after.
                        // A fixed warm-up: one client's latency, not CPU per request, is measured here.
                        double warm = Measure.warmUp(r, 1, s.warmup(), s.warmup());
                        long rssBefore = Proc.rssKiB(r.pid());
                        try (IdleCrowd crowd = IdleCrowd.open(r.port(), BACKLOG, k, STALL_SECONDS)) {
                            Harness.sleep(100); // let the server take in the last batch
                            long rssIdle = Proc.rssKiB(r.pid());
                            LoadGen.Config c = new LoadGen.Config(load.target(), 1, 0, load.durationNanos(), load.deadlineNanos(),
                                    1, server.name().toLowerCase() + " idle " + crowd.size(), true);
                            Row row = Measure.measure(r, rep, c, tw, warm);
                            cell.reps().add(row);
                            cell.opened().add(crowd.size());
                            cell.rssBefore().add(rssBefore);
                            cell.rssIdle().add(rssIdle);
                            if (crowd.shortfall != null) cell.shortfalls().add(crowd.shortfall);
                            Measure.addRaw(raw, row, k, crowd.size(), rssBefore, rssIdle);
                        }
                    } catch (RuntimeException e) {
                        problems.add(server.label + ", " + k + " idle: " + e.getMessage());
                    }
                }
            }
        }

        Table t = new Table("server", "idle wanted", "idle open", "replies/s", "p50 ms", "p99 ms", "max ms", "errors",
                "RSS before MiB", "RSS with idle MiB");
        Map<String, Map<String, Double>> latency = new LinkedHashMap<>();
        Map<String, Map<String, Double>> rss = new LinkedHashMap<>();
        List<String> categories = new ArrayList<>();
        for (int k : KS) categories.add(Table.format(k));
        List<String> stalls = new ArrayList<>();
        for (Server server : SERVERS) {
            for (int k : KS) {
                Cell cell = cells.get(server + "/" + k);
                if (cell == null || cell.reps().isEmpty()) continue;
                List<Row> reps = cell.reps();
                boolean stalled = reps.stream().allMatch(r -> r.ok() == 0);
                Spread p50 = Measure.spread(reps, r -> r.ok() == 0 ? Double.NaN : r.result().ms(50));
                Spread p99 = Measure.spread(reps, r -> r.ok() == 0 ? Double.NaN : r.result().ms(99));
                Spread before = Spread.of(cell.rssBefore().stream().map(x -> x / 1024.0).toList());
                Spread mem = Spread.of(cell.rssIdle().stream().map(x -> x / 1024.0).toList());
                String errors = Chapters.errors(reps);
                if (stalled) {
                    errors = "stalled: no reply, " + errors;
                    int opened = cell.opened().get(0);
                    stalls.add(server.label + " with " + Table.format(k) + " idle: "
                            + (opened < k ? "only " + Table.format(opened) + " could be opened (" + cell.shortfalls().get(0) + ")"
                                    : "all " + Table.format(opened) + " open")
                            + "; it sits in recv on the first of them, so the active client's request waits, unanswered, "
                            + "until its deadline.");
                }
                t.add(server.label, k, Spread.of(cell.opened()), Measure.spread(reps, r -> r.result().rate()),
                        stalled ? null : p50, stalled ? null : p99, stalled ? null : Measure.spread(reps, r -> r.result().maxMs()),
                        errors, before, mem);
                String name = shortName(server);
                latency.computeIfAbsent(name + " p50", x -> new LinkedHashMap<>()).put(Table.format(k), p50.median());
                latency.computeIfAbsent(name + " p99", x -> new LinkedHashMap<>()).put(Table.format(k), p99.median());
                rss.computeIfAbsent(name, x -> new LinkedHashMap<>()).put(Table.format(k), mem.median());
            }
        }
        if (!latency.isEmpty()) {
            Charts.lines(Harness.ROOT.resolve("docs").resolve(LATENCY_CHART),
                    "One active client's latency against idle connections held open", "idle connections", categories,
                    "latency, ms (solid p50, dashed p99; no point = no reply)", latency, false, 2);
            Charts.barsAndLines(Harness.ROOT.resolve("docs").resolve(RSS_CHART),
                    "Server resident memory against idle connections held open", "idle connections", categories,
                    "RSS with the idle connections open, MiB", rss, null, null, false);
        }

        StringBuilder md = new StringBuilder("## Idle connections\n\n");
        md.append("K connections are opened and left silent (at the pace the server accepts them: a batch of ")
                .append("50 starts only when the accept queue has room), then one active client sends requests one after ")
                .append("another, a fresh connection each. A blocking server is stuck on its first idle client; an epoll server ")
                .append("is woken only by sockets with something to read.\n\n");
        md.append("Command: `").append(Results.command(name(), s)).append("`. Each row: `")
                .append(Server.CH3.shown(BACKLOG)).append(" > /dev/null` (likewise chapters 2 and 4), a warm-up ")
                .append("at concurrency 1 before the idle connections open, then `")
                .append(load.cli()).append("`. The idle connections are closed with a reset (SO_LINGER 0) at the end of the ")
                .append("row, so ten thousand of them leave no TIME_WAIT behind; RSS (VmRSS in /proc/PID/status) is read after the warm-up and again once the idle connections are open")
                .append(s.full() ? "; " + s.reps() + " runs per row, median (min–max)" : "").append(".\n\n");
        md.append(t.markdown()).append('\n');
        Chapters.problems(md, problems);
        if (!latency.isEmpty()) {
            md.append("![latency against idle connections](").append(LATENCY_CHART).append(")\n\n");
            md.append("![server RSS against idle connections](").append(RSS_CHART).append(")\n\n");
        }
        if (!stalls.isEmpty()) {
            md.append("Stalls (reported as such: the server did not crash, it never got to the active client):\n\n");
            stalls.forEach(x -> md.append("- ").append(x).append('\n'));
            md.append('\n');
        }
        md.append(memory(cells));
        Results.save(name(), raw, md.toString(), summary(cells));
    }

    private static String shortName(Server server) {
        return server.label.substring(0, server.label.indexOf(' ', "chapter ".length()));
    }

    /** One line: the epoll chapters' median latency with none and with the most idle connections; chapter 2's stall. */
    private static String summary(Map<String, Cell> cells) {
        int most = KS[KS.length - 1];
        List<String> parts = new ArrayList<>();
        for (Server server : List.of(Server.CH3, Server.CH4)) {
            Cell none = cells.get(server + "/0");
            Cell full = cells.get(server + "/" + most);
            if (none == null || full == null || none.reps().isEmpty() || full.reps().isEmpty()) continue;
            parts.add(shortName(server) + " answered in " + Table.number(Measure.spread(full.reps(), r -> r.result().ms(50)).median())
                    + " ms (median) with " + Table.format(most) + " idle connections, against "
                    + Table.number(Measure.spread(none.reps(), r -> r.result().ms(50)).median()) + " ms with none");
        }
        Cell stalled = cells.get(Server.CH2 + "/" + KS[1]);
        if (stalled != null && !stalled.reps().isEmpty() && stalled.reps().stream().allMatch(r -> r.ok() == 0)) {
            parts.add("chapter 2 answered nothing once " + Table.format(KS[1]) + " idle clients were connected");
        }
        return "**Idle connections:** " + (parts.isEmpty() ? "not measured" : String.join("; ", parts)) + ".";
    }

    /** Memory per idle connection: the growth of the same server's RSS while the crowd opened, over its size. */
    private static String memory(Map<String, Cell> cells) {
        StringBuilder md = new StringBuilder();
        for (Server server : SERVERS) {
            Cell most = cells.get(server + "/" + KS[KS.length - 1]);
            if (most == null || most.reps().isEmpty()) continue;
            double opened = Spread.of(most.opened()).median();
            if (opened < 1) continue;
            List<Double> perConnection = new ArrayList<>();
            for (int i = 0; i < most.opened().size(); i++) {
                perConnection.add((most.rssIdle().get(i) - most.rssBefore().get(i)) / (double) most.opened().get(i));
            }
            md.append("- ").append(server.label).append(": RSS grew by ").append(Table.format(Spread.of(perConnection)))
                    .append(" KiB per idle connection while ").append(Table.format((long) opened)).append(" of them opened")
                    .append(opened < KS[KS.length - 1] ? " (all that could be opened)" : "").append(".\n");
        }
        return md.length() == 0 ? "" : "Memory (user space only: the kernel's socket buffers are not in RSS, and a JVM's heap "
                + "grows on its own schedule, so small differences are noise):\n\n" + md + '\n';
    }
}
