package workbook;

import testkit.EpollChapterTests;

/** Chapter 3 passes the epoll contract: the reply, bad input, many and misbehaving clients. */
class ServerIT extends EpollChapterTests {
}
