package workbook;

import testkit.EpollChapterTests;

/** Chapter 6 (TCP_NODELAY) passes the epoll contract: the reply, bad input, many and misbehaving clients. */
class ServerIT extends EpollChapterTests {
}
