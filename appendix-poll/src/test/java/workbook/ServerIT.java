package workbook;

import testkit.EpollChapterTests;

/** Chapter 3 on poll(2) passes chapter 3's contract: the reply, bad input, many and misbehaving clients. */
class ServerIT extends EpollChapterTests {
}
