package bench;

import bench.Harness.Running;
import bench.Harness.Server;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * cork: data segments on the wire per response. A response written in two
 * sends (header, then body) by the wire helper with Nagle on, with TCP_CORK
 * around the sends, and with TCP_NODELAY; then the chapters and the C
 * reference, which write the 114 bytes in one send. Counted by the client
 * from TCP_INFO (tcpi_data_segs_in) once the reply has ended.
 */
final class Cork implements Experiment {
    static final Server[] SERVERS = {Server.WIRE_PLAIN, Server.WIRE_CORK, Server.WIRE_NODELAY,
        Server.CH3, Server.CH5, Server.CH6, Server.C_REF};

    @Override
    public String name() {
        return "cork";
    }

    @Override
    public void run(Settings s) {
        int n = s.full() ? 2_000 : 300;
        Table raw = new Table("server", "rep", "request", "data_segments_in", "latency_us");
        Map<Server, List<long[]>> samples = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (int rep = 1; rep <= s.reps(); rep++) {
            for (Server server : SERVERS) {
                if (server.missing() != null) {
                    if (rep == 1) problems.add(server.label + ": not built (missing " + server.missing() + ")");
                    continue;
                }
                try (Running r = Harness.start(server, 128)) {
                    String out = Harness.capture(List.of(Harness.tool("wire"), "count", Integer.toString(r.port()), Integer.toString(n)), 120);
                    int i = 0;
                    for (String line : out.strip().split("\n")) {
                        String[] f = line.trim().split(" ");
                        long segs = Long.parseLong(f[0]);
                        long us = Long.parseLong(f[1]);
                        samples.computeIfAbsent(server, x -> new ArrayList<>()).add(new long[] {segs, us});
                        raw.add(server.name(), rep, ++i, segs, us);
                    }
                } catch (RuntimeException e) {
                    problems.add(server.label + ": " + e.getMessage());
                }
            }
        }
        Table t = new Table("server", "response written as", "data segments per response (mean)", "min", "max", "median latency µs");
        for (var e : samples.entrySet()) {
            List<long[]> v = e.getValue();
            boolean two = e.getKey().name().startsWith("WIRE");
            var latency = LoadGen.newHistogram();
            v.forEach(x -> latency.recordValue(x[1]));
            t.add(e.getKey().label, two ? "header, then body: 2 sends" : "one send of 114 bytes",
                    v.stream().mapToLong(x -> x[0]).average().orElse(Double.NaN),
                    v.stream().mapToLong(x -> x[0]).min().orElse(0), v.stream().mapToLong(x -> x[0]).max().orElse(0),
                    latency.getValueAtPercentile(50));
        }
        StringBuilder md = new StringBuilder("## TCP_CORK and segments on the wire\n\n");
        md.append("Chapter 5 puts TCP_CORK around the response so that headers and body leave as one segment. ")
                .append("The chapters write the whole 114-byte response with one send, so to see what the cork is for, a small ")
                .append("C server (`bench/src/main/c/wire.c`) writes it in two sends, header then body: with Nagle on (the default), ")
                .append("with TCP_CORK set before and cleared after, and with TCP_NODELAY. The client counts the data segments it ")
                .append("received (TCP_INFO's tcpi_data_segs_in) after the end of each reply.\n\n");
        md.append("Command: `").append(Results.command(name(), s)).append("`. Each row: a fresh server (e.g. `")
                .append(Server.WIRE_CORK.shown(128)).append("` or `").append(Server.CH5.shown(128))
                .append(" > /dev/null`), then `bench/target/wire count PORT ").append(n)
                .append("`: ").append(n).append(" requests, one at a time, a fresh connection each")
                .append(s.full() ? "; " + s.reps() + " runs pooled" : "").append(".\n\n");
        md.append(t.markdown()).append('\n');
        Chapters.problems(md, problems);
        md.append(corkObservations(samples));
        Results.save(name(), raw, md.toString(), "**TCP_CORK:** a response written in two sends left as "
                + Table.number(mean(samples.get(Server.WIRE_PLAIN))) + " data segments with Nagle on, "
                + Table.number(mean(samples.get(Server.WIRE_NODELAY))) + " with TCP_NODELAY and "
                + Table.number(mean(samples.get(Server.WIRE_CORK))) + " with TCP_CORK; the chapters' single send left as "
                + Table.number(mean(samples.get(Server.CH3))) + " (chapter 3) and " + Table.number(mean(samples.get(Server.CH5)))
                + " (chapter 5, corked).");
    }

    private static String corkObservations(Map<Server, List<long[]>> samples) {
        StringBuilder md = new StringBuilder("What it shows:\n\n");
        double plain = mean(samples.get(Server.WIRE_PLAIN));
        double cork = mean(samples.get(Server.WIRE_CORK));
        double nodelay = mean(samples.get(Server.WIRE_NODELAY));
        md.append("- Two sends: ").append(Table.number(plain)).append(" data segments per response with Nagle on, ")
                .append(Table.number(nodelay)).append(" with TCP_NODELAY, ").append(Table.number(cork))
                .append(" with TCP_CORK. The cork holds the header back until it is removed, so header and body can leave together. ")
                .append(plain >= 1.5 ? "Nagle alone does not merge them: the header goes at once (nothing is unacknowledged yet), "
                        + "and the body follows when the header's ACK returns, which on loopback is almost at once.\n" : "\n");
        double ch3 = mean(samples.get(Server.CH3));
        double ch5 = mean(samples.get(Server.CH5));
        double ch6 = mean(samples.get(Server.CH6));
        md.append("- One send (chapters 3, 5, 6): ").append(Table.number(ch3)).append(", ").append(Table.number(ch5)).append(" and ")
                .append(Table.number(ch6)).append(" data segments per response: a response that is written in one call ")
                .append("already leaves in one segment, with or without the cork or TCP_NODELAY.\n\n");
        return md.toString();
    }

    private static double mean(List<long[]> v) {
        return v == null ? Double.NaN : v.stream().mapToLong(x -> x[0]).average().orElse(Double.NaN);
    }
}
