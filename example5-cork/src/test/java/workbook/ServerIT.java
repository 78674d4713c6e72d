package workbook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import testkit.Article;
import testkit.Await;
import testkit.ChapterProcess;
import testkit.Clients;
import testkit.EpollChapterTests;

/** Chapter 5 (TCP_CORK) passes the epoll contract, and writes its response corked. */
class ServerIT extends EpollChapterTests {
    private static final Pattern SEND = Pattern.compile("^\\d+ +sendto\\((\\d+), \"HTTP/1\\.0 200 OK");

    /** Watched with strace: the cork goes in on the connection before the response is sent. */
    @Test
    void theResponseIsWrittenCorked() throws IOException {
        ChapterProcess chapter = startServing(ChapterProcess.Launcher.strace("setsockopt,sendto"));
        Await.until(() -> chapter.syscalls().stream().anyMatch(line -> SEND.matcher(line).find()), LIMIT,
                () -> "strace to show the response's sendto\n" + String.join("\n", chapter.syscalls()));
        List<String> calls = chapter.syscalls();
        int send = indexOf(calls, SEND);
        Matcher sent = SEND.matcher(calls.get(send));
        assertThat(sent.find()).isTrue();
        String corkOn = "setsockopt(" + sent.group(1) + ", SOL_TCP, TCP_CORK, [1], 4) = 0";
        assertThat(calls.subList(0, send)).as("chapter 5's lesson: TCP_CORK set on the connection before its response"
                + " is sent; the system calls were:\n%s", String.join("\n", calls)).anyMatch(line -> line.endsWith(corkOn));
        assertThat(Clients.exchange(chapter.port(), Article.REQUEST, REPLY_LIMIT)).isEqualTo(Article.RESPONSE);
    }

    private static int indexOf(List<String> lines, Pattern pattern) {
        for (int i = 0; i < lines.size(); i++) {
            if (pattern.matcher(lines.get(i)).find()) {
                return i;
            }
        }
        return -1;
    }
}
