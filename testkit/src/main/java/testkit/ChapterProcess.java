package testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A chapter's server running in a child JVM, as a student runs it: its own
 * process, its own stdout, killed at the end whatever happened.
 *
 * <p>A separate process, not a thread in the test JVM, because a chapter
 * prints to System.out, may call System.exit, may hang in a blocking call, and
 * its fds and CPU time must be measurable on their own in /proc.
 *
 * <p>The child runs the same {@code java} as the test, with the test's class
 * path (or the one the system property {@value #CLASS_PATH_PROPERTY} names: how
 * a lab runs a patched copy of a chapter against the chapter's own tests),
 * under {@code -Xcheck:jni --enable-native-access=ALL-UNNAMED}. Its
 * stdout and stderr are read continuously on daemon threads (so it never
 * blocks on a full pipe) into memory, where tests read them. Every wait is
 * bounded and fails with an {@link AssertionError} that shows what the child
 * printed.
 *
 * <pre>{@code
 * try (ChapterProcess server = ChapterProcess.start("workbook.Server", "0", "128")) {
 *     byte[] reply = Clients.exchange(server.port(), Article.REQUEST);
 *     assertThat(reply).isEqualTo(Article.RESPONSE);
 *     server.awaitStdout("Host: 127.0.0.1", Duration.ofSeconds(10));
 *     assertThat(server.jniWarnings()).isEmpty();
 * }
 * }</pre>
 */
public final class ChapterProcess implements AutoCloseable {

    /** The system property that, when set, is the child's whole class path. */
    public static final String CLASS_PATH_PROPERTY = "testkit.chapter.classpath";

    /** How long {@link #start} waits for the start-up line: JVM start-up is slow on a busy machine. */
    public static final Duration START_LIMIT = Duration.ofSeconds(20);

    /** How long {@link #close} waits for a killed child to be gone. */
    public static final Duration KILL_LIMIT = Duration.ofSeconds(10);

    /** How long, after the child exited, to wait for its last output to be copied. */
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(5);

    /** At most this many characters of each stream go into a failure message (the end, where the news is). */
    private static final int SHOWN_CHARS = 4000;

    /** "listening on 0.0.0.0:PORT (backlog N)", a whole line: a half-copied line must not yield half a port. */
    private static final Pattern STARTUP_LINE =
            Pattern.compile("(?m)^listening on \\S+:(\\d+) \\(backlog (\\d+)\\)\\r?\\n");

    /** What -Xcheck:jni (first) and JDK 22+ native-access checks (others) print. */
    private static final List<String> JNI_WARNING_MARKERS = List.of(
            "WARNING in native method",
            "WARNING: A restricted method",
            "WARNING: Use --enable-native-access");

    /** Children not yet closed: a test that forgets close() must not leave a server running after the build. */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(
                new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "testkit-kill-children"));
    }

    private final String commandLine;
    private final Path syscallLog;
    private final Process process;
    private final CapturedOutput stdout;
    private final CapturedOutput stderr;
    private int port = -1;
    private int backlog = -1;
    private boolean closed;

    /**
     * Launches {@code command}; does not wait for anything. {@code shown} names it in
     * messages; {@code syscallLog} is where a {@link Launcher#strace} writes, or null.
     */
    private ChapterProcess(List<String> command, String shown, Path syscallLog, boolean stdoutToNull) {
        commandLine = shown;
        this.syscallLog = syscallLog;
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            if (stdoutToNull) {
                builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            }
            process = builder.start();
            process.getOutputStream().close(); // servers read no stdin: give them end of file
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0)
                    + (command.get(0).equals("strace") ? " (apt-get install strace)" : ""), e);
        }
        RUNNING.add(process);
        // Sent to /dev/null, stdout reads as an empty stream: its copy ends at once.
        stdout = new CapturedOutput(process.getInputStream(), "stdout of " + process.pid());
        stderr = new CapturedOutput(process.getErrorStream(), "stderr of " + process.pid());
    }

    /**
     * A chapter in a child JVM: this JVM's java and class path, under -Xcheck:jni.
     *
     * @param launcher what runs the JVM (see {@link Launcher}); the JVM keeps the launcher's pid
     */
    private static ChapterProcess launch(Launcher launcher, String mainClass, String... args) {
        List<String> program = new ArrayList<>(List.of(mainClass));
        program.addAll(List.of(args));
        List<String> command = new ArrayList<>(launcher.prefix);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xcheck:jni",
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty(CLASS_PATH_PROPERTY, System.getProperty("java.class.path"))));
        command.addAll(program);
        return new ChapterProcess(command, launcher.label + String.join(" ", program), launcher.syscallLog, false);
    }

    /**
     * Starts {@code mainClass} with {@code args} (for a chapter: "0" for a
     * free port, and a backlog) and waits at most {@link #START_LIMIT} for its
     * start-up line, from which it takes the port.
     *
     * @throws AssertionError with the child's output if the line does not
     *         come in time or the child exits first; the child is then killed
     */
    public static ChapterProcess start(String mainClass, String... args) {
        return start(Launcher.PLAIN, mainClass, args);
    }

    /**
     * As {@link #start}, with the child's limit on open files (RLIMIT_NOFILE,
     * soft and hard, as {@code ulimit -n} sets it) at {@code openFiles}: how a
     * test makes a server run out of descriptors with a hundred connections
     * instead of tens of thousands. 0 inherits this JVM's limit.
     */
    public static ChapterProcess startWithOpenFileLimit(int openFiles, String mainClass, String... args) {
        return start(openFiles == 0 ? Launcher.PLAIN : Launcher.openFileLimit(openFiles), mainClass, args);
    }

    /**
     * As {@link #start}, with the JVM run by {@code launcher}: under an open-file
     * limit, under strace, with Ctrl-C's default disposition. The JVM keeps the
     * launcher's pid, so /proc readings and signals reach the chapter itself.
     */
    public static ChapterProcess start(Launcher launcher, String mainClass, String... args) {
        ChapterProcess child = launch(launcher, mainClass, args);
        return child.awaitListening(() -> STARTUP_LINE.matcher(child.stdout()).find() || child.stdout.ended(), () -> {
            Matcher line = STARTUP_LINE.matcher(child.stdout());
            if (line.find()) {
                child.port = Integer.parseInt(line.group(1));
                child.backlog = Integer.parseInt(line.group(2));
            }
        }, "the start-up line \"listening on ...\"");
    }

    /**
     * Starts any server the way the bench runs one: {@code command} as given
     * (a chapter under a JVM of the caller's choosing, a C program), stdout to
     * /dev/null as with {@code > /dev/null} (a chapter prints every request;
     * reading that from a pipe would cost CPU on both sides), stderr captured.
     * The start-up line is not seen, so the port is read from /proc: the
     * socket the process holds in LISTEN state. {@link #backlog()} is then -1.
     *
     * @throws AssertionError with the child's stderr if it does not listen
     *         within {@link #START_LIMIT} or exits first; it is then killed
     */
    public static ChapterProcess startQuiet(List<String> command) {
        ChapterProcess child = new ChapterProcess(command, String.join(" ", command), null, true);
        return child.awaitListening(() -> child.listeningPort().isPresent() || !child.isAlive(),
                () -> child.port = child.listeningPort().orElse(-1), "a listening socket");
    }

    /** Waits for {@code ready}, lets {@code takePort} set the port, and kills the child if that failed. */
    private ChapterProcess awaitListening(BooleanSupplier ready, Runnable takePort, String what) {
        try {
            Await.until(ready, START_LIMIT, () -> what + "\n" + describe());
            takePort.run();
            if (port < 0) {
                awaitEnd(KILL_LIMIT); // it is exiting: wait for the exit code
                throw new AssertionError("exited without " + what + "\n" + describe());
            }
            return this;
        } catch (RuntimeException | Error e) {
            try {
                close();
            } catch (RuntimeException | Error closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** The port of the child's listening socket; empty before it listens or once it has exited. */
    private OptionalInt listeningPort() {
        try {
            return Proc.listeningPort(pid());
        } catch (UncheckedIOException exited) {
            return OptionalInt.empty();
        }
    }

    /**
     * Runs a child that is expected to exit by itself (bad arguments, a busy
     * port) and returns how it ended. Waits at most {@code limit}.
     *
     * @throws AssertionError with the child's output if it is still running
     *         at the limit; it is then killed
     */
    public static Finished run(Duration limit, String mainClass, String... args) {
        return launch(Launcher.PLAIN, mainClass, args).finish(limit);
    }

    /** As {@link #run(Duration, String, String...)}, for any program: {@code command} as given. */
    public static Finished run(Duration limit, List<String> command) {
        return new ChapterProcess(command, String.join(" ", command), null, false).finish(limit);
    }

    private Finished finish(Duration limit) {
        try {
            int exitCode = awaitExit(limit);
            return new Finished(exitCode, stdout(), stderr());
        } finally {
            close();
        }
    }

    /** How a child run by {@link #run} ended: its exit code and everything it printed. */
    public record Finished(int exitCode, String stdout, String stderr) {

        /** As {@link ChapterProcess#jniWarnings()}. */
        public List<String> jniWarnings() {
            return ChapterProcess.jniWarnings(stdout + "\n" + stderr);
        }
    }

    /** The port from the start-up line (the real one, when started with port 0). */
    public int port() {
        return port;
    }

    /** The backlog from the start-up line; -1 for a server started by {@link #startQuiet}. */
    public int backlog() {
        return backlog;
    }

    /** The child's process id, as in /proc and {@code ps}. */
    public long pid() {
        return process.pid();
    }

    /** True until the child exits (or is killed by {@link #close}). */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the child printed to stdout so far (UTF-8; malformed bytes as U+FFFD). */
    public String stdout() {
        return stdout.text();
    }

    /** Everything the child printed to stderr so far (UTF-8; malformed bytes as U+FFFD). */
    public String stderr() {
        return stderr.text();
    }

    /**
     * Waits at most {@code limit} until stdout contains {@code needle}.
     *
     * @return stdout at that moment
     * @throws AssertionError with the child's output on timeout, or at once if
     *         the child exits without printing it
     */
    public String awaitStdout(String needle, Duration limit) {
        return awaitStdout(needle, 1, limit);
    }

    /**
     * Waits at most {@code limit} until stdout contains {@code needle} at
     * least {@code times} times: {@code awaitStdout(Article.DASHES, 3, limit)}
     * waits for the third request.
     *
     * @return stdout at that moment
     * @throws AssertionError as {@link #awaitStdout(String, Duration)}
     */
    public String awaitStdout(String needle, int times, Duration limit) {
        return await(stdout, "stdout", needle, times, limit);
    }

    /**
     * Waits at most {@code limit} until stderr contains {@code needle}. The
     * child's output is copied from its pipe by a thread of ours, so a line it
     * printed before its client saw a reply (or a hang-up) can still be on its
     * way: wait for it, never read {@link #stderr()} once.
     *
     * @return stderr at that moment
     * @throws AssertionError as {@link #awaitStdout(String, Duration)}
     */
    public String awaitStderr(String needle, Duration limit) {
        return await(stderr, "stderr", needle, 1, limit);
    }

    private String await(CapturedOutput stream, String name, String needle, int times, Duration limit) {
        String wanted = times + " x \"" + needle + "\" on " + name;
        Await.until(() -> occurrences(stream.text(), needle) >= times || stream.ended(), limit,
                () -> wanted + "\n" + describe());
        String text = stream.text();
        if (occurrences(text, needle) < times) {
            throw new AssertionError(name + " closed (the process exited) before " + wanted + "\n" + describe());
        }
        return text;
    }

    private static int occurrences(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
            count++;
        }
        return count;
    }

    /**
     * Waits at most {@code limit} for the child to exit (and a few seconds
     * more for its last output to be copied).
     *
     * @return the exit code
     * @throws AssertionError with the child's output on timeout
     */
    public int awaitExit(Duration limit) {
        awaitEnd(limit);
        return process.exitValue();
    }

    private void awaitEnd(Duration limit) {
        Await.until(() -> !process.isAlive(), limit, () -> "the process to exit\n" + describe());
        RUNNING.remove(process);
        Await.until(() -> stdout.ended() && stderr.ended(), DRAIN_LIMIT,
                () -> "the end of the output of an exited process (did it leave a child holding the pipes?)\n"
                        + describe());
    }

    /**
     * Sends the child a signal: {@code kill -s NAME pid}. "STOP" freezes it where it is
     * (the kernel still completes handshakes and queues bytes for it), "CONT" resumes it,
     * "INT" is what Ctrl-C sends.
     */
    public void signal(String name) {
        helper(List.of("kill", "-s", name, Long.toString(pid())));
        if (name.equals("STOP")) {
            // kill returns once the signal is queued; a busy machine may let a thread run on a moment longer.
            Await.until(() -> Proc.allThreadsStopped(pid()), KILL_LIMIT, () -> "every thread stopped\n" + describe());
        }
    }

    /**
     * Bytes in byte arrays still reachable in the child's heap, after the full
     * collection that {@code jcmd PID GC.class_histogram} makes first: where a
     * chapter keeps the requests it holds.
     */
    public long liveByteArrayBytes() {
        // A line reads "   1:   9101   408552  [B (java.base@17.0.15)": number, instances, bytes, class.
        return heapHistogram("\\d+:\\s+\\d+\\s+\\d+\\s+\\[B( .*)?", 2);
    }

    /** All bytes still reachable in the child's heap: the histogram's last line, "Total  INSTANCES  BYTES". */
    public long liveHeapBytes() {
        return heapHistogram("Total\\s+\\d+\\s+\\d+", 2);
    }

    /** Field {@code field} of the first line of {@code jcmd PID GC.class_histogram} that matches {@code line}. */
    private long heapHistogram(String line, int field) {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        String histogram = helper(List.of(jcmd, Long.toString(pid()), "GC.class_histogram"));
        return histogram.lines().map(String::trim).filter(l -> l.matches(line))
                .mapToLong(l -> Long.parseLong(l.split("\\s+")[field])).findFirst()
                .orElseThrow(() -> new AssertionError("no line /" + line + "/ in the heap histogram:\n" + histogram));
    }

    /**
     * The lines strace wrote so far, for a child started with {@link Launcher#strace}:
     * {@code PID call(arguments) = result}, one system call each.
     */
    public List<String> syscalls() {
        if (syscallLog == null) {
            throw new IllegalStateException("not started under strace: use Launcher.strace");
        }
        try {
            return Files.exists(syscallLog) ? Files.readAllLines(syscallLog) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a short helper program to its end (bounded) and returns its stdout; fails the test if it fails. */
    private String helper(List<String> command) {
        Finished f = run(KILL_LIMIT, command);
        if (f.exitCode() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed (exit " + f.exitCode() + "): " + f.stdout()
                    + f.stderr() + "\n" + describe());
        }
        return f.stdout();
    }

    /** Open file descriptors of the child: see {@link Proc#openFds}. */
    public int openFdCount() {
        return Proc.openFds(pid());
    }

    /** Open sockets of the child, listening socket included: see {@link Proc#openSockets}. */
    public int openSocketCount() {
        return Proc.openSockets(pid());
    }

    /** CPU time of the child so far in clock ticks: see {@link Proc#cpuTicks}. */
    public long cpuTimeTicks() {
        return Proc.cpuTicks(pid());
    }

    /** Resident memory of the child in KiB: see {@link Proc#rssKiB}. */
    public long rssKiB() {
        return Proc.rssKiB(pid());
    }

    /**
     * Lines of stdout and stderr so far with a JNI or native-access warning.
     * -Xcheck:jni only prints, it does not fail anything: assert this is
     * empty, typically after the exchanges and before close.
     */
    public List<String> jniWarnings() {
        return jniWarnings(stdout() + "\n" + stderr());
    }

    static List<String> jniWarnings(String output) {
        return output.lines()
                .filter(line -> JNI_WARNING_MARKERS.stream().anyMatch(line::contains))
                .collect(Collectors.toList());
    }

    /**
     * Kills the child (SIGKILL: a hung server cannot delay it) and waits at
     * most {@link #KILL_LIMIT} for it to be gone. Does the same whether the
     * test passed or failed; a second call does nothing. Output stays
     * readable afterwards.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        process.destroyForcibly();
        awaitEnd(KILL_LIMIT);
    }

    /** The command, the state and the output, for failure messages. */
    String describe() {
        String state = process.isAlive() ? "running" : "exit code " + process.exitValue();
        return "process " + pid() + " (" + state + "): " + commandLine
                + "\n--- stdout ---\n" + tail(stdout())
                + "\n--- stderr ---\n" + tail(stderr())
                + "\n--- end ---";
    }

    private static String tail(String text) {
        if (text.length() <= SHOWN_CHARS) {
            return text;
        }
        return "[... " + (text.length() - SHOWN_CHARS) + " characters before ...]\n"
                + text.substring(text.length() - SHOWN_CHARS);
    }

    @Override
    public String toString() {
        return "ChapterProcess[pid " + pid() + ", port " + port + ": " + commandLine + "]";
    }

    /**
     * What runs the child's JVM before it starts: each of these ends by exec'ing
     * the JVM, so the chapter keeps the pid this class sees.
     */
    public static final class Launcher {
        /** The JVM itself, nothing in front. */
        public static final Launcher PLAIN = new Launcher(List.of(), "", null);

        /**
         * With Ctrl-C's default disposition: a shell without job control starts its
         * background jobs with SIGINT ignored, and a JVM that inherits that ignores
         * Ctrl-C too ({@code env --default-signal}, coreutils 8.32 and later).
         */
        public static final Launcher DEFAULT_SIGINT = new Launcher(List.of("env", "--default-signal=INT"), "", null);

        private final List<String> prefix;
        private final String label;
        private final Path syscallLog;

        private Launcher(List<String> prefix, String label, Path syscallLog) {
            this.prefix = prefix;
            this.label = label;
            this.syscallLog = syscallLog;
        }

        /**
         * Under an open-file limit (RLIMIT_NOFILE, soft and hard, as {@code ulimit -n}
         * sets it): the shell lowers both limits, then becomes the JVM, which at start-up
         * raises its soft limit only as far as the hard one.
         */
        public static Launcher openFileLimit(int openFiles) {
            if (openFiles <= 0) {
                throw new IllegalArgumentException("open-file limit " + openFiles);
            }
            return new Launcher(List.of("/bin/sh", "-c", "ulimit -n \"$0\" && exec \"$@\"", Integer.toString(openFiles)),
                    "[ulimit -n " + openFiles + "] ", null);
        }

        /**
         * Under strace, tracing the named system calls (e.g. "setsockopt,sendto") of
         * every thread from the first instruction on; read them with
         * {@link ChapterProcess#syscalls()}. {@code -D} leaves strace as a grandchild,
         * so the JVM is this process's child; {@code --seccomp-bpf} stops the JVM only
         * at the traced calls, so it runs at nearly full speed.
         */
        public static Launcher strace(String syscalls) {
            try {
                Path log = Files.createTempFile("testkit-strace-", ".txt");
                log.toFile().deleteOnExit();
                return new Launcher(List.of("strace", "-D", "-f", "--seccomp-bpf", "-qq", "-e", "trace=" + syscalls,
                        "-o", log.toString()), "[strace -e trace=" + syscalls + "] ", log);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
