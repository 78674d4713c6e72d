package bench;

import bench.Harness.Running;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import testkit.Proc;

/** One ApacheBench run against a running server, with both processes' CPU time. */
record Ab(long complete, long failed, double rate, double p50, double p99, double max,
          double clientCpuUs, double serverCpuUs) {

    static Ab run(Running server, int concurrency, long requests) {
        String url = "http://127.0.0.1:" + server.port() + "/";
        long before = Proc.cpuTicks(server.pid());
        // The shell reports ab's CPU time: once ab is reaped it is in the shell's cutime and cstime.
        String out = Harness.capture(List.of("sh", "-c",
                "ab -q -c " + concurrency + " -n " + requests + " " + url + " && cat /proc/$$/stat"), 600);
        long serverTicks = Proc.cpuTicks(server.pid()) - before;
        String[] lines = out.strip().split("\n");
        long abTicks = Counters.childCpuTicks(lines[lines.length - 1]);
        long complete = (long) number(out, "Complete requests:\\s+(\\d+)");
        long failed = (long) number(out, "Failed requests:\\s+(\\d+)");
        long ok = Math.max(1, complete - failed);
        return new Ab(complete, failed, number(out, "Requests per second:\\s+([0-9.]+)"),
                number(out, "\\n\\s+50%\\s+(\\d+)"), number(out, "\\n\\s+99%\\s+(\\d+)"), number(out, "\\n\\s+100%\\s+(\\d+)"),
                (double) abTicks / Counters.CLK_TCK * 1e6 / ok, (double) serverTicks / Counters.CLK_TCK * 1e6 / ok);
    }

    private static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) throw new IllegalStateException("ab output lacks /" + regex + "/:\n" + text);
        return Double.parseDouble(m.group(1));
    }
}
