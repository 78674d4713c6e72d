package workbook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import testkit.ChapterProcess;
import testkit.Clients;
import testkit.EpollChapterTests;
import testkit.IdleClients;
import workbook.epoll.Select;

/**
 * Chapter 3 on select(2) passes chapter 3's contract: the reply, bad input, many and misbehaving clients.
 * And select cannot watch a descriptor at or above FD_SETSIZE: the server closes that one connection,
 * says why in one line, and goes on serving.
 */
class ServerIT extends EpollChapterTests {
    @Test
    void aConnectionSelectCannotWatchIsClosedWithOneLineAndTheServerGoesOn() throws IOException {
        // Room for more than FD_SETSIZE descriptors, so that accept succeeds past 1023 instead of failing.
        ChapterProcess chapter = startServing(ChapterProcess.Launcher.openFileLimit(4 * Select.FD_SETSIZE));
        // FD_SETSIZE more: with the descriptors it holds already, the server's numbers pass 1023.
        try (IdleClients idle = Clients.openIdle(chapter.port(), Select.FD_SETSIZE, LIMIT.multipliedBy(3))) {
            String stderr = chapter.awaitStderr("FD_SETSIZE", LIMIT);
            assertThat(stderr.lines().filter(line -> line.contains("FD_SETSIZE")))
                    .allSatisfy(line -> assertThat(line).matches("fd 10[0-9][0-9]: select\\(2\\) cannot watch .*"));
            try (Socket another = Clients.connect(chapter.port(), REPLY_LIMIT)) {
                assertThat(Clients.readToEnd(another, LIMIT)).as("accepted and closed at once").isEmpty();
            }
            assertThat(chapter.isAlive()).as("server alive with %s idle connections open", idle.size()).isTrue();
        }
        awaitNoConnections(); // until the server has closed the idle ones, a new client would get a number past 1023
        assertHealthy();
    }
}
