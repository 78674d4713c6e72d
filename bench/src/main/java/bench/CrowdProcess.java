package bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import testkit.Await;
import testkit.Proc;

/** Idle connections to a server, held by the C {@code tcp-tools idle-crowd} (tcp_tools.c describes it). */
final class CrowdProcess implements AutoCloseable {
    private final Process process;
    private final PrintStream commands;
    private final Iterator<String> replies;
    private final Server.Running server;
    private int open;

    CrowdProcess(Server.Running server, boolean spread) {
        this.server = server;
        try {
            process = new ProcessBuilder(Server.TCP_TOOLS, "idle-crowd", Integer.toString(server.port()),
                    spread ? "spread" : "one").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        commands = new PrintStream(process.getOutputStream(), true);
        replies = process.inputReader().lines().iterator();
    }

    int open() {
        return open;
    }

    /** Opens idle connections until {@code total} are open and accepted; null, or why it fell short. */
    String growTo(int total) {
        try {
            while (open < total) {
                int batch = Math.min(50, total - open);
                // A batch only when the accept queue has room: no handshake is dropped and retried a second later.
                Await.until(() -> Proc.acceptQueueLength(server.port()) <= Math.max(0, server.backlog() + 1 - batch),
                        Duration.ofSeconds(2), "room in the accept queue");
                String[] reply = ask(Integer.toString(batch));
                open = Integer.parseInt(reply[1]);
                if (reply[0].equals("stalled")) return "connects timed out after 2 s";
            }
            Await.until(() -> Proc.acceptQueueLength(server.port()) == 0, Duration.ofSeconds(5),
                    "the server to accept them all");
            return null;
        } catch (AssertionError e) {
            return "the server stopped accepting: its accept queue stayed full";
        }
    }

    int closedByServer() {
        return Integer.parseInt(ask("check")[3]);
    }

    private String[] ask(String command) {
        commands.println(command);
        if (!replies.hasNext()) throw new IllegalStateException("tcp-tools idle-crowd exited (its stderr says why)");
        return replies.next().split(" ");
    }

    /** Ends stdin: the process resets every connection and exits; after 30 s it is killed. */
    @Override
    public void close() {
        commands.close();
        process.onExit().completeOnTimeout(process, 30, TimeUnit.SECONDS).join();
        process.destroyForcibly().onExit().completeOnTimeout(process, 5, TimeUnit.SECONDS).join();
    }
}
