package workbook;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import testkit.EpollChapterTests;

/** Chapter 3 passes the epoll contract: the reply, bad input, many and misbehaving clients. */
class ServerIT extends EpollChapterTests {
    @Test
    void everyRegistrationIsLevelTriggered() throws IOException {
        startServing();
        assertEveryRegistration(false, "chapter 3 registers every descriptor level-triggered (no EPOLLET);"
                + " one recv per report relies on it");
    }
}
