package workbook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import testkit.Article;
import testkit.ChapterProcess;
import testkit.ChapterTests;
import testkit.Clients;

/** Chapter 1 answers one request, the article's way, and then ends. */
class ServerIT extends ChapterTests {
    @Test
    void exitsByItselfAfterOneRequest() throws IOException {
        ChapterProcess chapter = start(1);
        assertThat(Clients.exchange(chapter.port(), Article.REQUEST, REPLY_LIMIT)).isEqualTo(Article.RESPONSE);
        assertThat(chapter.awaitExit(LIMIT)).isZero();
    }

    @Test
    void aClientThatHangsUpEarlyEndsItWithOneLineNotAStackTrace() throws IOException {
        ChapterProcess chapter = start(1);
        assertThat(Clients.halfClose(chapter.port(), Article.REQUEST_LINE, REPLY_LIMIT)).isEmpty();
        assertThat(chapter.awaitExit(LIMIT)).as("exit code").isZero();
        assertThat(chapter.stderr().strip()).as("stderr").isEqualTo("the client closed before its request was complete");
    }

    @Test
    void aFloodWithoutATerminatorIsCutOff() throws IOException {
        ChapterProcess chapter = start(1);
        assertThat(Clients.flood(chapter.port(), 64 << 20, LIMIT).wasCutOff()).as("the flood was cut off").isTrue();
        assertThat(chapter.awaitExit(LIMIT)).isZero();
        assertThat(chapter.stderr()).contains("cut off");
    }
}
