package bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import testkit.ChapterProcess;

/**
 * nagle: request/response round trips on one persistent connection where each
 * side writes its message in two small writes and then reads (write-write-read),
 * with Nagle on and with TCP_NODELAY on both sides.
 */
final class Nagle {
    static void run(Settings s) {
        Page.Data d = new Page.Data("nagle", s);
        int n = s.full() ? 200 : 40;
        Table raw = new Table("nagle", "round_trip", "rtt_us");
        Table t = new Table("Nagle", "round trips", "p50 ms", "p90 ms", "p99 ms", "max ms");
        List<Double> p50 = new ArrayList<>();
        for (String mode : List.of("on", "off")) {
            Histogram h = LoadGen.newHistogram();
            for (int rep = 1; rep <= s.reps(); rep++) {
                String out = ChapterProcess.output(Duration.ofMinutes(5),
                        Server.tcpTools("round-trips", mode, Integer.toString(n)));
                for (String line : out.strip().split("\n")) {
                    h.recordValue(Long.parseLong(line.trim()));
                    raw.add(mode, h.getTotalCount(), Long.parseLong(line.trim()));
                }
            }
            t.add(mode.equals("on") ? "on (default)" : "off (TCP_NODELAY)", h.getTotalCount(),
                    h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
            p50.add(h.getValueAtPercentile(50) / 1000.0);
            d.put(mode + ".p50", p50.get(p50.size() - 1));
        }
        raw.writeCsv(Page.file("nagle.csv"));
        d.put("table", t).put("ratio", p50.get(0) / p50.get(1)).put("n", n).save();
    }
}
