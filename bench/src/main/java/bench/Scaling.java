package bench;

import bench.Measure.Row;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jfree.data.statistics.Regression;
import testkit.Await;
import testkit.Proc;

/**
 * scaling, the article's central claim: one active client's latency and the server's CPU time per request while K idle
 * connections are held open (0 up to the open-file limit) for select, poll, epoll (chapters 3, 4), the references and
 * blocking chapter 2. Then memory per idle connection, and the ephemeral-port trap: the same crowd from 127.0.0.1.
 */
final class Scaling {
    static final List<Server> SERVERS =
            List.of(Server.SELECT, Server.POLL, Server.CH3, Server.CH4, Server.C_REF, Server.NIO_REF);
    /** Slab caches of a TCP socket and its epoll registration (files and dentries are shared with every open file). */
    static final List<String> SOCKET_CACHES = List.of("TCP", "sock_inode_cache", "eventpoll_epi", "eventpoll_pwq");

    /** A server with {@code k} idle connections open ({@code closed} hung up on), and the active client's run. */
    record Point(Server server, int k, int closed, Row row, String stop, boolean spread) {}

    /** Memory per idle connection in bytes: RSS, live Java heap, kernel socket objects (both ends), TCP buffers. */
    record Memory(Server server, int k, double rss, double heap, double slab, double buffers) {}

    static void run(Settings s) {
        Page.Data d = new Page.Data("scaling", s);
        int kmax = Math.min(19_000, (Integer.parseInt(Measure.openFileLimits()[0]) - 1_000) / 1_000 * 1_000);
        int[] ks = IntStream.of(s.idle()).map(k -> Math.min(k, kmax)).distinct().toArray();
        int kmem = s.full() ? 10_000 : 2_000;
        // The trap's crowd: past the ~14,100 even ports, so that every connect() from the crowd's address walks them
        // all; not much past, since the crowd's own connects then walk them too (a couple of milliseconds each).
        int trapK = Math.min(kmax, 15_000);
        LoadGen.Config load = LoadGen.Config.of(1).seconds(s.seconds()).deadline(1);
        List<Point> points = new ArrayList<>();
        List<Memory> memory = new ArrayList<>();
        for (int rep = 1; rep <= s.reps(); rep++) {
            d.attempt(Server.CH2.label, () -> sweep(Server.CH2, true, s, load, points, 0, 100));
            for (Server server : SERVERS) {
                d.attempt(server.label, () -> sweep(server, true, s, load, points, ks)); // not built: "missing ..."
                int k = Math.min(kmem, server == Server.SELECT ? 900 : kmax);
                if (server.missing() == null) d.attempt(server.label + ", memory", () -> memory(server, k, s, memory));
            }
            d.attempt(Server.C_REF.label + ", the trap", () -> sweep(Server.C_REF, false, s, load, points, trapK));
        }
        Table raw = Measure.rawTable("idle_open", "closed_by_server", "crowd_from", "stop");
        points.forEach(p -> Measure.addRaw(raw, p.row(), p.k(), p.closed(), p.spread() ? "127.0.0.2+" : "127.0.0.1",
                p.stop()));
        raw.writeCsv(Page.file("scaling.csv"));
        Table mraw = new Table("server", "idle", "rss_bytes_per_conn", "heap_bytes_per_conn", "slab_bytes_per_conn",
                "tcp_buffer_bytes_per_conn");
        memory.forEach(m -> mraw.add(m.server().name(), m.k(), m.rss(), m.heap(), m.slab(), m.buffers()));
        mraw.writeCsv(Page.file("scaling-memory.csv"));
        Table t = new Table("server", "idle open", "p50 ms", "p99 ms", "server CPU µs/req", "errors");
        Table slopes = new Table("server", "p50 at 0 µs", "p50 at most µs", "idle at most",
                "p50 slope µs per 1,000 idle", "CPU slope µs per 1,000 idle", "stopped");
        Table mem = new Table("server", "idle", "RSS bytes/conn", "live heap bytes/conn",
                "kernel socket objects bytes/conn (both ends)", "TCP buffers bytes/conn");
        List<Charts.Line> lines = new ArrayList<>();
        for (Server server : Stream.concat(Stream.of(Server.CH2), SERVERS.stream()).toList()) {
            List<Memory> ms = memory.stream().filter(m -> m.server() == server).toList();
            if (!ms.isEmpty()) mem.add(server.label, ms.get(0).k(), Spread.of(ms, Memory::rss), server.onJvm()
                    ? Spread.of(ms, Memory::heap) : null, Spread.of(ms, Memory::slab), Spread.of(ms, Memory::buffers));
            var byK = points.stream().filter(p -> p.server() == server && p.spread())
                    .collect(Collectors.groupingBy(Point::k, TreeMap::new, Collectors.toList())).values();
            if (byK.isEmpty()) continue;
            for (List<Point> ps : byK) {
                List<Row> rows = ps.stream().map(Point::row).toList();
                String stop = ps.stream().filter(p -> p.stop() != null).map(Point::stop).findFirst().orElse(null);
                t.add(server.label, ps.get(0).k(), stop != null ? Arrays.asList(null, null, null, "stopped: " + stop)
                        : List.of(Spread.of(rows, r -> r.result().ms(50)), Spread.of(rows, r -> r.result().ms(99)),
                                Spread.of(rows, Row::cpuUs), Measure.errors(rows)));
            }
            // A crowd size counts only if every rep was answered there; the first that was not is where it stopped.
            var answered = byK.stream().filter(ps -> ps.stream().allMatch(p -> p.stop() == null)).toList();
            double[] k = answered.stream().mapToDouble(ps -> ps.get(0).k()).toArray();
            double[] p50 = answered.stream().mapToDouble(ps -> 1000 * Spread.median(ps, p -> p.row().result().ms(50)))
                    .toArray();
            double[] cpu = answered.stream().mapToDouble(ps -> Spread.median(ps, p -> p.row().cpuUs())).toArray();
            Point stopped = byK.stream().flatMap(List::stream).filter(p -> p.stop() != null).findFirst().orElse(null);
            double slope = 1000 * slope(k, p50);
            Double at0 = k.length > 0 ? p50[0] : null;
            Double atMost = k.length > 1 ? p50[k.length - 1] : null;
            slopes.add(server.label, at0, atMost, k.length > 0 ? (long) k[k.length - 1] : null, slope,
                    1000 * slope(k, cpu), stopped == null ? "no" : "at " + stopped.k() + " idle: " + stopped.stop()
                            + (stopped.closed() > 0 ? " (" + stopped.closed() + " hung up on)" : ""));
            String key = server.name() + ".";
            d.put(key + "slope", slope).put(key + "at0", at0).put(key + "atmost", atMost).put(key + "shape",
                    atMost == null || k[k.length - 1] < 1000 ? "short" : atMost > 2 * at0 ? "grew" : "flat");
            if (stopped != null) {
                // Apart, so that each template words the stop: the server's message, the step, how many it hung up on.
                d.put(key + "stop", stopped.stop()).put(key + "stop_idle", stopped.k());
                if (stopped.closed() > 0) d.put(key + "closed", stopped.closed());
            }
            double[] x = Arrays.stream(k).map(v -> Math.max(v, 10)).toArray(); // 0 is drawn at 10 on the log axis
            if (server != Server.CH2) lines.add(new Charts.Line(server.label, x, p50, lines.size(), false));
        }
        Charts.draw("perf-scaling.png", "One active client's median latency against idle connections held open",
                new Charts.Axis("idle connections (log scale; 0 is drawn at 10)", true),
                // Three decades at least, so that a flat line looks flat and a growing one has room.
                new Charts.Axis("p50 latency, µs (log scale)", true, 10, Math.max(10_000, 2 * lines.stream()
                        .flatMapToDouble(l -> Arrays.stream(l.y())).filter(v -> !Double.isNaN(v)).max().orElse(0))),
                lines, null, null);
        double one = trapP50(points, trapK, false);
        double spread = trapP50(points, kmax, true);
        d.put("trap.one", one).put("trap.spread", spread).put("trap.ratio", one / spread).put("trap.k", trapK);
        d.put("table", t).put("slopes", slopes).put("memory", mem).put("kmax", kmax).put("kmem", kmem)
                .put("example", Server.CH3.shown(Settings.BACKLOG)).put("load", load.cli())
                .put("slab_caches", String.join(", ", SOCKET_CACHES)).save();
    }

    /** One server, fresh, with the crowd grown through {@code ks}; the sweep ends where the server stops answering. */
    private static void sweep(Server server, boolean spread, Settings s, LoadGen.Config load, List<Point> into,
                              int... ks) {
        try (Server.Running r = server.start(Settings.BACKLOG); CrowdProcess crowd = new CrowdProcess(r, spread)) {
            // Warmed up before the crowd: chapter 2 cannot be warmed after.
            double warm = Measure.warmUp(r, 1, s.warmup(), s.warmup());
            for (int k : ks) {
                String shortfall = crowd.growTo(k);
                Row row = Measure.run(r, load.label(server.name().toLowerCase() + " idle " + crowd.open()), warm);
                int closed = crowd.closedByServer();
                String stop = shortfall != null ? shortfall : row.ok() == 0 || closed > 0
                        ? r.process().stderr().lines().findFirst().orElse("no reply") : null;
                into.add(new Point(server, crowd.open(), closed, row, stop, spread));
                if (stop != null) break;
            }
        }
    }

    /** Memory per idle connection, twice (3 times in the full set): a server's readings before and after k of them. */
    private static void memory(Server server, int k, Settings s, List<Memory> into) {
        try (Server.Running r = server.start(Settings.BACKLOG)) {
            for (int rep = 0; rep < (s.full() ? 3 : 2); rep++) {
                double[] before = reading(r);
                // By inode, not by count: a JVM opens sockets of its own (jcmd's, a selector's) at any time.
                var held = Proc.socketInodes(r.pid());
                try (CrowdProcess crowd = new CrowdProcess(r, true)) {
                    String shortfall = crowd.growTo(k);
                    if (shortfall != null) throw new IllegalStateException(shortfall);
                    Await.until(() -> Proc.openSockets(r.pid()) >= held.size() + k, Duration.ofSeconds(10),
                            "the server to hold them");
                    double[] after = reading(r);
                    double[] per = IntStream.range(0, 4).mapToDouble(i -> (after[i] - before[i]) / k).toArray();
                    into.add(new Memory(server, k, per[0], per[1], per[2], per[3]));
                }
                // All but a straggler or a socket the JVM opened for itself meanwhile (seen once with java.nio).
                Await.until(() -> Proc.socketInodes(r.pid()).stream().filter(i -> !held.contains(i)).count() <= k / 100,
                        Duration.ofSeconds(30), "the server to close them");
            }
        }
    }

    /** What /proc says now, in bytes: the server's RSS and live heap, the socket slab caches, TCP buffers. */
    private static double[] reading(Server.Running r) {
        long heap = r.server().onJvm() ? r.process().liveHeapBytes() : -1; // after a full collection: live objects only
        long slab = Proc.read(Path.of("/proc/slabinfo")).lines().map(line -> line.split("\\s+"))
                .filter(f -> SOCKET_CACHES.contains(f[0])).mapToLong(f -> Long.parseLong(f[1]) * Long.parseLong(f[3]))
                .sum(); // active objects × size
        String tcp = Proc.value(Proc.read(Path.of("/proc/net/sockstat")), "TCP:").orElseThrow();
        return new double[] {Proc.rssKiB(r.pid()) * 1024.0, heap, slab,
                Long.parseLong(tcp.replaceAll(".* mem (\\d+).*", "$1")) * 4096.0};
    }

    /** The C reference's median latency, µs, with {@code k} idle connections, spread or from 127.0.0.1 (NaN: none). */
    private static double trapP50(List<Point> points, int k, boolean spread) {
        return Spread.median(points.stream().filter(p -> p.server() == Server.C_REF && p.k() == k
                && p.spread() == spread && p.stop() == null).toList(), p -> 1000 * p.row().result().ms(50));
    }

    /** Least-squares slope of y against x (NaN for fewer than two points). */
    static double slope(double[] x, double[] y) {
        return x.length < 2 ? Double.NaN : Regression.getOLSRegression(IntStream.range(0, x.length)
                .mapToObj(i -> new double[] {x[i], y[i]}).toArray(double[][]::new))[1];
    }
}
