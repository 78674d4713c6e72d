package testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server (a chapter, or any program) as a child process, killed at the end whatever happened:
 * the one way the tests and the bench start, await and stop one. A process, not a thread, because
 * a chapter prints, may call System.exit or hang, and its fds and CPU time must show on their own
 * in /proc. A chapter runs on this JVM's java and class path (or {@value #CLASS_PATH_PROPERTY}'s:
 * how a lab runs a patched copy against the chapter's tests), under -Xcheck:jni. Its output is
 * read into memory as it comes, so it never blocks on a full pipe. Every wait is bounded and fails
 * with an {@link AssertionError} that shows what the child printed.
 */
public final class ChapterProcess implements AutoCloseable {

    /** The system property that, when set, is a chapter's class path. */
    public static final String CLASS_PATH_PROPERTY = "testkit.chapter.classpath";

    /** How long a start waits for the server to listen: JVM start-up is slow on a busy machine. */
    public static final Duration START_LIMIT = Duration.ofSeconds(20);

    /** How long {@link #close} waits for a killed child to be gone. */
    public static final Duration KILL_LIMIT = Duration.ofSeconds(10);

    /** How long, after the child exited, to wait for its last output to be copied. */
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(5);

    /** Characters of each stream in a failure message: the last, where the news is. */
    private static final int SHOWN_CHARS = 4000;

    /** "listening on 0.0.0.0:PORT (backlog N)", a whole line: a half-copied line must not yield half a port. */
    private static final Pattern STARTUP_LINE =
            Pattern.compile("(?m)^listening on \\S+:(\\d+) \\(backlog \\d+\\)\\r?\\n");

    /** What -Xcheck:jni (the first) and JDK 22+ native-access checks (the others) print. */
    private static final Pattern JNI_WARNING =
            Pattern.compile("WARNING in native method|WARNING: (A restricted method|Use --enable-native-access)");

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
    private boolean closed;

    /** Launches {@code command} and waits for nothing; {@code shown} names it in messages. */
    private ChapterProcess(List<String> command, String shown, Path syscallLog, boolean stdoutToNull) {
        commandLine = shown;
        this.syscallLog = syscallLog;
        try {
            ProcessBuilder builder = new ProcessBuilder(command); // a discarded stdout reads as empty at once
            process = builder.redirectOutput(stdoutToNull ? Redirect.DISCARD : Redirect.PIPE).start();
            process.getOutputStream().close(); // servers read no stdin: give them end of file
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0)
                    + (command.get(0).equals("strace") ? " (apt-get install strace)" : ""), e);
        }
        RUNNING.add(process);
        stdout = new CapturedOutput(process.getInputStream(), "stdout of " + process.pid());
        stderr = new CapturedOutput(process.getErrorStream(), "stderr of " + process.pid());
    }

    /** {@code mainClass} in a JVM like this one, run by {@code launcher}, which keeps the pid. */
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

    /** Starts {@code mainClass} (a chapter's args: "0" for a free port, a backlog); its port from its start-up line. */
    public static ChapterProcess start(Launcher launcher, String mainClass, String... args) {
        ChapterProcess child = launch(launcher, mainClass, args);
        return child.awaitListening("the start-up line \"listening on ...\"", () -> {
            Matcher line = STARTUP_LINE.matcher(child.stdout());
            return line.find() ? Integer.parseInt(line.group(1)) : -1;
        });
    }

    /**
     * Starts any server the way the bench runs one: {@code command} as given, stdout to /dev/null (a
     * chapter prints every request: reading that from a pipe costs CPU), the port from /proc.
     */
    public static ChapterProcess startQuiet(List<String> command) {
        ChapterProcess child = new ChapterProcess(command, String.join(" ", command), null, true);
        return child.awaitListening("a listening socket", () -> {
            try {
                return Proc.listeningPort(child.pid()).orElse(-1);
            } catch (UncheckedIOException exited) {
                return -1;
            }
        });
    }

    /** Starts a helper program that runs alongside (perf, say) and waits for nothing; {@link #close} ends it. */
    public static ChapterProcess startHelper(List<String> command) {
        return new ChapterProcess(command, String.join(" ", command), null, false);
    }

    /** Waits until {@code findPort} finds a port (not -1) or the child exits; kills the child if it exited. */
    private ChapterProcess awaitListening(String what, IntSupplier findPort) {
        try {
            Await.until(() -> findPort.getAsInt() >= 0 || !isAlive(), START_LIMIT, () -> what + "\n" + describe());
            port = findPort.getAsInt();
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

    /** A chapter that should exit by itself (bad arguments, a busy port): see {@link #run(Duration, List)}. */
    public static Finished run(Duration limit, String mainClass, String... args) {
        return launch(Launcher.PLAIN, mainClass, args).finish(limit);
    }

    /** Runs a program that exits by itself; fails with its output, and kills it, if it outlasts {@code limit}. */
    public static Finished run(Duration limit, List<String> command) {
        return startHelper(command).finish(limit);
    }

    /** As {@link #run(Duration, List)}, for a helper program that must succeed: its stdout. */
    public static String output(Duration limit, List<String> command) {
        Finished f = run(limit, command);
        if (f.exitCode() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed (exit " + f.exitCode() + "): "
                    + f.stdout() + f.stderr());
        }
        return f.stdout();
    }

    private Finished finish(Duration limit) {
        try {
            return new Finished(awaitExit(limit), stdout(), stderr());
        } finally {
            close();
        }
    }

    /** How a child run by {@link #run} ended: its exit code and everything it printed. */
    public record Finished(int exitCode, String stdout, String stderr) {
    }

    /** The port it listens on (the real one, when started with port 0). */
    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the child printed so far (UTF-8; malformed bytes as U+FFFD). */
    public String stdout() {
        return stdout.text();
    }

    public String stderr() {
        return stderr.text();
    }

    /** As {@link #awaitStdout(String, int, Duration)}, once. */
    public String awaitStdout(String needle, Duration limit) {
        return awaitStdout(needle, 1, limit);
    }

    /** Waits until stdout holds {@code needle} {@code times} times and returns it; fails at once if the child exits. */
    public String awaitStdout(String needle, int times, Duration limit) {
        return await(stdout, "stdout", needle, times, limit);
    }

    /** On stderr: our copy can lag behind what the client saw (a reply, a hang-up), so wait, never read once. */
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
        return text.split(Pattern.quote(needle), -1).length - 1;
    }

    /** Waits for the child to exit (and a few seconds more for its last output); returns its exit code. */
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

    /** {@code kill -s NAME}: STOP freezes it (the kernel still does handshakes and queues bytes), INT is Ctrl-C. */
    public void signal(String name) {
        output(KILL_LIMIT, List.of("kill", "-s", name, Long.toString(pid())));
        if (name.equals("STOP")) {
            // kill returns once the signal is queued; a busy machine may let a thread run on a moment longer.
            Await.until(() -> Proc.allThreadsStopped(pid()), KILL_LIMIT, () -> "every thread stopped\n" + describe());
        }
    }

    /** Bytes in byte arrays reachable in the child's heap after a full collection: where a chapter keeps requests. */
    public long liveByteArrayBytes() {
        // A line reads "   1:   9101   408552  [B (java.base@17.0.15)": number, instances, bytes, class.
        return heapHistogram("\\d+:\\s+\\d+\\s+\\d+\\s+\\[B( .*)?");
    }

    /** All bytes still reachable in the child's heap: the histogram's last line, "Total  INSTANCES  BYTES". */
    public long liveHeapBytes() {
        return heapHistogram("Total\\s+\\d+\\s+\\d+");
    }

    /** The bytes (third field) of the first line matching {@code line} of {@code jcmd PID GC.class_histogram}. */
    private long heapHistogram(String line) {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        String histogram = output(KILL_LIMIT, List.of(jcmd, Long.toString(pid()), "GC.class_histogram"));
        return histogram.lines().map(String::trim).filter(l -> l.matches(line))
                .mapToLong(l -> Long.parseLong(l.split("\\s+")[2])).findFirst()
                .orElseThrow(() -> new AssertionError("no line /" + line + "/ in the heap histogram:\n" + histogram));
    }

    /** The lines strace wrote so far ({@link Launcher#strace}): {@code PID call(arguments) = result}. */
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

    /** Lines with a JNI or native-access warning: -Xcheck:jni prints them and fails nothing, so assert none. */
    public List<String> jniWarnings() {
        return jniWarnings(stdout() + "\n" + stderr());
    }

    static List<String> jniWarnings(String output) {
        return output.lines().filter(JNI_WARNING.asPredicate()).toList();
    }

    /** Kills the child (SIGKILL: a hung server cannot delay it) and waits for it to be gone; output stays readable. */
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
        return "process " + pid() + " (" + state + "): " + commandLine + "\n--- stdout ---\n" + tail(stdout())
                + "\n--- stderr ---\n" + tail(stderr()) + "\n--- end ---";
    }

    private static String tail(String text) {
        int cut = text.length() - SHOWN_CHARS;
        return cut <= 0 ? text : "[... " + cut + " characters before ...]\n" + text.substring(cut);
    }

    @Override
    public String toString() {
        return "ChapterProcess[pid " + pid() + ", port " + port + ": " + commandLine + "]";
    }

    /** What runs a chapter's JVM: {@code prefix} ends by exec'ing it, so that the chapter keeps the pid we see. */
    public record Launcher(List<String> prefix, String label, Path syscallLog) {
        /** The JVM itself, nothing in front. */
        public static final Launcher PLAIN = new Launcher(List.of(), "", null);

        /** Ctrl-C's default disposition: a JVM started in the background by a shell without job control ignores it. */
        public static final Launcher DEFAULT_SIGINT = new Launcher(List.of("env", "--default-signal=INT"), "", null);

        /** Under {@code ulimit -n} (soft and hard: the JVM raises its soft limit at start-up, up to the hard one). */
        public static Launcher openFileLimit(int openFiles) {
            if (openFiles <= 0) {
                throw new IllegalArgumentException("open-file limit " + openFiles);
            }
            String limit = Integer.toString(openFiles);
            return new Launcher(List.of("/bin/sh", "-c", "ulimit -n \"$0\" && exec \"$@\"", limit),
                    "[ulimit -n " + limit + "] ", null);
        }

        /**
         * Under strace, tracing the named system calls (e.g. "setsockopt,sendto") of every thread: {@code -D}
         * leaves strace a grandchild, so the JVM is our child; {@code --seccomp-bpf} stops it only at those calls.
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
