package bench;

import bench.Server.Running;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import testkit.ChapterProcess;

/**
 * cork: data segments on the wire per response. A response written in two
 * sends (header, then body) with Nagle on, with TCP_CORK around the sends, and
 * with TCP_NODELAY; then the chapters and the C reference, which write the 114
 * bytes in one send. Counted by the client from TCP_INFO (tcpi_data_segs_in).
 */
final class Cork {
    static final List<Server> SERVERS = List.of(Server.TWO_SENDS, Server.TWO_SENDS_CORK, Server.TWO_SENDS_NODELAY,
            Server.CH3, Server.CH5, Server.CH6, Server.C_REF);

    static void run(Settings s) {
        Page.Data d = new Page.Data("cork");
        int n = s.full() ? 2_000 : 300;
        Table raw = new Table("server", "request", "data_segments_in", "latency_us");
        Map<Server, List<long[]>> samples = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (int rep = 1; rep <= s.reps(); rep++) {
            for (Server server : SERVERS) {
                try (Running r = server.start(128)) {
                    String out = ChapterProcess.run(Duration.ofMinutes(2), List.of(Server.TARGET.resolve("tcp-tools").toString(),
                            "count-segments", Integer.toString(r.port()), Integer.toString(n))).stdout();
                    for (String line : out.strip().split("\n")) {
                        String[] f = line.trim().split(" ");
                        long[] sample = {Long.parseLong(f[0]), Long.parseLong(f[1])};
                        samples.computeIfAbsent(server, x -> new ArrayList<>()).add(sample);
                        raw.add(server.name(), samples.get(server).size(), sample[0], sample[1]);
                    }
                } catch (RuntimeException | AssertionError e) {
                    problems.add(server.label + ": " + e.getMessage());
                }
            }
        }
        Table t = new Table("server", "response written as", "data segments per response (mean)", "min", "max", "median latency µs");
        for (var e : samples.entrySet()) {
            List<long[]> v = e.getValue();
            t.add(e.getKey().label, e.getKey().name().startsWith("TWO") ? "header, then body: 2 sends" : "one send of 114 bytes",
                    mean(v), Spread.of(v, x -> x[0]).min(), Spread.of(v, x -> x[0]).max(), Spread.of(v, x -> x[1]).median());
            d.put(e.getKey().name() + ".segments", mean(v));
        }
        raw.writeCsv(Page.file("cork.csv"));
        d.put("table", t).put("n", n).put("command", Main.command("cork", s)).put("example", Server.TWO_SENDS_CORK.shown(128))
                .put("chapter_example", Server.CH5.shown(128)).put("problems", Throughput.bullets(problems))
                .put("nagle_splits", mean(samples.get(Server.TWO_SENDS)) >= 1.5 ? "yes" : "no").save();
    }

    private static double mean(List<long[]> v) {
        return v == null ? Double.NaN : v.stream().mapToLong(x -> x[0]).average().orElse(Double.NaN);
    }
}
