package bench;

import java.time.Duration;
import java.util.List;
import testkit.ChapterProcess;

/**
 * nagle: request/response round trips on one persistent connection where each
 * side writes its message in two small writes and then reads (write-write-read),
 * with Nagle on and with TCP_NODELAY on both sides.
 */
final class Nagle {
    static void run(Settings s) {
        Page.Data d = new Page.Data("nagle");
        int n = s.full() ? 200 : 40;
        Table raw = new Table("nagle", "round_trip", "rtt_us");
        Table t = new Table("Nagle", "round trips", "p50 ms", "p90 ms", "p99 ms", "max ms");
        double[] p50 = new double[2];
        for (String mode : List.of("on", "off")) {
            int m = mode.equals("on") ? 0 : 1;
            var h = LoadGen.newHistogram();
            for (int rep = 1; rep <= s.reps(); rep++) {
                String out = ChapterProcess.run(Duration.ofMinutes(5), List.of(Server.TARGET.resolve("tcp-tools").toString(),
                        "round-trips", mode, Integer.toString(n))).stdout();
                for (String line : out.strip().split("\n")) {
                    h.recordValue(Long.parseLong(line.trim()));
                    raw.add(mode, h.getTotalCount(), Long.parseLong(line.trim()));
                }
            }
            t.add(mode.equals("on") ? "on (default)" : "off (TCP_NODELAY)", h.getTotalCount(), h.getValueAtPercentile(50) / 1000.0,
                    h.getValueAtPercentile(90) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
            p50[m] = h.getValueAtPercentile(50) / 1000.0;
            d.put(mode + ".p50", p50[m]);
        }
        raw.writeCsv(Page.file("nagle.csv"));
        d.put("table", t).put("ratio", p50[0] / p50[1]).put("n", n).put("command", Main.command("nagle", s)).save();
    }
}
