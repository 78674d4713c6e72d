package bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import testkit.ChapterProcess;

/**
 * cork: data segments on the wire per response. A response written in two sends (header, then body) with Nagle on,
 * with TCP_CORK around the sends, and with TCP_NODELAY; then the chapters and the C reference, which write the 114
 * bytes in one send. Counted by the client from TCP_INFO (tcpi_data_segs_in).
 */
final class Cork {
    static final List<Server> SERVERS = List.of(Server.TWO_SENDS, Server.TWO_SENDS_CORK, Server.TWO_SENDS_NODELAY,
            Server.CH3, Server.CH5, Server.CH6, Server.C_REF);

    record Sample(long segments, long latencyUs) {}

    static void run(Settings s) {
        Page.Data d = new Page.Data("cork", s);
        int n = s.full() ? 2_000 : 300;
        Table raw = new Table("server", "request", "data_segments_in", "latency_us");
        Map<Server, List<Sample>> samples = new LinkedHashMap<>();
        for (int rep = 1; rep <= s.reps(); rep++) {
            for (Server server : SERVERS) {
                List<Sample> v = samples.computeIfAbsent(server, k -> new ArrayList<>());
                d.attempt(server.label, () -> {
                    try (Server.Running r = server.start(Settings.BACKLOG)) {
                        String out = ChapterProcess.output(Duration.ofMinutes(2), List.of(Server.TCP_TOOLS,
                                "count-segments", Integer.toString(r.port()), Integer.toString(n)));
                        for (String line : out.strip().split("\n")) {
                            String[] f = line.trim().split(" ");
                            Sample sample = new Sample(Long.parseLong(f[0]), Long.parseLong(f[1]));
                            v.add(sample);
                            raw.add(server.name(), v.size(), sample.segments(), sample.latencyUs());
                        }
                    }
                });
            }
        }
        Table t = new Table("server", "response written as", "data segments per response (mean)", "min", "max",
                "median latency µs");
        d.put("nagle_splits", "no");
        samples.forEach((server, v) -> {
            if (v.isEmpty()) return;
            DoubleSummaryStatistics segments = v.stream().mapToDouble(Sample::segments).summaryStatistics();
            String written = server.name().startsWith("TWO") ? "header, then body: 2 sends" : "one send of 114 bytes";
            t.add(server.label, written, segments.getAverage(), segments.getMin(), segments.getMax(),
                    Spread.of(v, Sample::latencyUs).median());
            d.put(server.name() + ".segments", segments.getAverage());
            if (server == Server.TWO_SENDS && segments.getAverage() >= 1.5) d.put("nagle_splits", "yes");
        });
        raw.writeCsv(Page.file("cork.csv"));
        d.put("table", t).put("n", n).put("example", Server.TWO_SENDS_CORK.shown(Settings.BACKLOG))
                .put("chapter_example", Server.CH5.shown(Settings.BACKLOG)).save();
    }
}
