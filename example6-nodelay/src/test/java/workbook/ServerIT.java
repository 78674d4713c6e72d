package workbook;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import testkit.ChapterProcess;
import testkit.EpollChapterTests;

/** Chapter 6 (TCP_NODELAY) passes the epoll contract, and turns Nagle's algorithm off on its listening socket. */
class ServerIT extends EpollChapterTests {
    private static final Pattern LISTEN = Pattern.compile("^\\d+ +listen\\((\\d+), ");

    /** Watched with strace from the JVM's start: accepted connections inherit the option, so it is set once. */
    @Test
    void theListeningSocketHasNagleOff() {
        ChapterProcess chapter = start(ChapterProcess.Launcher.strace("listen,setsockopt"), 1);
        List<String> calls = chapter.syscalls();
        Matcher listen = calls.stream().map(LISTEN::matcher).filter(Matcher::find).findFirst()
                .orElseThrow(() -> new AssertionError("no listen in\n" + String.join("\n", calls)));
        String nodelay = "setsockopt(" + listen.group(1) + ", SOL_TCP, TCP_NODELAY, [1], 4) = 0";
        assertThat(calls).as("chapter 6's lesson: TCP_NODELAY on the listening socket; the system calls were:\n%s",
                String.join("\n", calls)).anyMatch(line -> line.endsWith(nodelay));
    }
}
