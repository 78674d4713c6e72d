package workbook;

import testkit.EpollChapterTests;

/** Chapter 5 (TCP_CORK) passes the epoll contract: the reply, bad input, many and misbehaving clients. */
class ServerIT extends EpollChapterTests {
}
