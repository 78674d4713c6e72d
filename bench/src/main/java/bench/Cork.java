package bench;

import bench.Server.Running;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    /** One response: the data segments that carried it, and its latency. */
    record Sample(Server server, long segments, long latencyUs) {}

    static void run(Settings s) {
        Page.Data d = new Page.Data("cork", s);
        int n = s.full() ? 2_000 : 300;
        Table raw = new Table("server", "request", "data_segments_in", "latency_us");
        List<Sample> samples = new ArrayList<>();
        for (int rep = 1; rep <= s.reps(); rep++) {
            for (Server server : SERVERS) {
                d.attempt(server.label, () -> {
                    try (Running r = server.start(128)) {
                        String out = ChapterProcess.output(Duration.ofMinutes(2), Server.tcpTools("count-segments",
                                Integer.toString(r.port()), Integer.toString(n)));
                        for (String line : out.strip().split("\n")) {
                            String[] f = line.trim().split(" ");
                            Sample sample = new Sample(server, Long.parseLong(f[0]), Long.parseLong(f[1]));
                            samples.add(sample);
                            raw.add(server.name(), of(samples, server).size(), sample.segments(), sample.latencyUs());
                        }
                    }
                });
            }
        }
        Table t = new Table("server", "response written as", "data segments per response (mean)", "min", "max",
                "median latency µs");
        for (Server server : SERVERS) {
            List<Sample> v = of(samples, server);
            if (v.isEmpty()) continue;
            double mean = meanSegments(v);
            t.add(server.label, server.name().startsWith("TWO") ? "header, then body: 2 sends" : "one send of 114 bytes",
                    mean, Spread.of(v, Sample::segments).min(), Spread.of(v, Sample::segments).max(),
                    Spread.of(v, Sample::latencyUs).median());
            d.put(server.name() + ".segments", mean);
        }
        raw.writeCsv(Page.file("cork.csv"));
        d.put("table", t).put("n", n).put("example", Server.TWO_SENDS_CORK.shown(128))
                .put("chapter_example", Server.CH5.shown(128))
                .put("nagle_splits", meanSegments(of(samples, Server.TWO_SENDS)) >= 1.5 ? "yes" : "no").save();
    }

    private static List<Sample> of(List<Sample> samples, Server server) {
        return samples.stream().filter(x -> x.server() == server).toList();
    }

    private static double meanSegments(List<Sample> v) {
        return v.stream().mapToLong(Sample::segments).average().orElse(Double.NaN);
    }
}
